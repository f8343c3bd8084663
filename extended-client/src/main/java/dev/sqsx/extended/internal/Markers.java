/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The marker attribute that says "this body is a pointer", and the size rule that decides when to
 * offload.
 */
public final class Markers {

  /**
   * The attribute name sqsx writes by default (and AWS's library with the legacy name disabled).
   */
  public static final String NAME = "ExtendedPayloadSize";

  /** The attribute name AWS's Java library still writes by default. */
  public static final String LEGACY_NAME = "SQSLargePayloadSize";

  /** Both names, asked for on every receive. */
  public static final List<String> NAMES = List.of(NAME, LEGACY_NAME);

  /** The SQS limit of message attributes per message. */
  public static final int MAX_ATTRIBUTES = 10;

  private Markers() {}

  /** Whether a received message's attributes carry a marker (either name). */
  public static boolean present(Map<String, MessageAttributeValue> attributes) {
    return attributes.containsKey(NAME) || attributes.containsKey(LEGACY_NAME);
  }

  /**
   * The payload size a received message's marker declares (the sender's word, not checked), or -1
   * when there is no marker or its value is not a number.
   */
  public static long declaredSize(Map<String, MessageAttributeValue> attributes) {
    MessageAttributeValue marker = attributes.getOrDefault(NAME, attributes.get(LEGACY_NAME));
    if (marker == null || marker.stringValue() == null) {
      return -1;
    }
    try {
      return Long.parseLong(marker.stringValue().trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The attributes without either marker. */
  public static Map<String, MessageAttributeValue> strip(
      Map<String, MessageAttributeValue> attributes) {
    if (!present(attributes)) {
      return attributes;
    }
    Map<String, MessageAttributeValue> stripped = new LinkedHashMap<>(attributes);
    stripped.keySet().removeAll(NAMES);
    return stripped;
  }

  /** The attributes plus the marker, whose value is the original body's UTF-8 length. */
  public static Map<String, MessageAttributeValue> add(
      Map<String, MessageAttributeValue> attributes, long payloadBytes, boolean legacyName) {
    Map<String, MessageAttributeValue> marked = new LinkedHashMap<>(attributes);
    marked.put(
        legacyName ? LEGACY_NAME : NAME,
        MessageAttributeValue.builder()
            .dataType("Number")
            .stringValue(Long.toString(payloadBytes))
            .build());
    return marked;
  }

  /** Strings longer than this are measured by encoding them (see {@link #utf8Length}). */
  private static final int LARGE = 64 * 1024;

  /** UTF-8 length of a string (0 for null); a long one is encoded to measure it. */
  public static long utf8Length(String value) {
    if (value == null) {
      return 0;
    }
    int n = value.length();
    if (n > LARGE) {
      // The JDK's encoder is an intrinsic, fast from the first call; a counting loop over a 10 MB
      // body ran interpreted for ~100 ms per call until the JIT got to it (measured by the
      // benchmarks). The encoded copy is short-lived.
      return value.getBytes(StandardCharsets.UTF_8).length;
    }
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /**
   * The size SQS counts for a message: the body's UTF-8 bytes plus, for every attribute, its name,
   * data type and string or binary value.
   */
  public static long messageSize(String body, Map<String, MessageAttributeValue> attributes) {
    long size = utf8Length(body);
    for (Map.Entry<String, MessageAttributeValue> attribute : attributes.entrySet()) {
      MessageAttributeValue value = attribute.getValue();
      size += utf8Length(attribute.getKey()) + utf8Length(value.dataType());
      size += utf8Length(value.stringValue());
      SdkBytes binary = value.binaryValue();
      if (binary != null) {
        size += binary.asByteArrayUnsafe().length;
      }
    }
    return size;
  }

  /**
   * The marker's own contribution to a message's size (name, type and a value of up to 7 digits).
   */
  public static long markerSize() {
    return (long) NAME.length() + "Number".length() + 7;
  }
}
