/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import dev.sqsx.extended.Compression;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The compression step of a send, before the offloading decision: a body of at least {@code
 * minSize} UTF-8 bytes becomes its compressed bytes in base64, with the {@value
 * Compression#ATTRIBUTE} attribute naming the encoding; the size rule then counts the compressed
 * body and the attribute like any other. A compressed message that is offloaded after all has that
 * base64 text stored (a {@code PayloadStore} holds text: every store, a user's too, keeps it
 * intact), and the pointer message carries the attribute.
 *
 * <p>A body is left as it is when compressing would not make it smaller, when the message already
 * carries the attribute (it is compressed already), or when it has more than {@value
 * #MAX_ATTRIBUTES_TO_COMPRESS} attributes (the attribute and a size marker must fit SQS's 10).
 */
public final class Compressing {

  /** The most attributes a message may have to be compressed: 10 less the attribute and marker. */
  static final int MAX_ATTRIBUTES_TO_COMPRESS = Markers.MAX_ATTRIBUTES - 2;

  /** The attribute names a received message is asked for besides its own. */
  public static final List<String> NAMES = List.of(Compression.ATTRIBUTE);

  /**
   * System-attribute string of a message unwrapped from an SNS envelope whose inline body was
   * decompressed: the encoding it came in, so that a copy sent on (to a DLQ) is compressed again.
   */
  public static final String SNS_ENCODING = "sqsx.SnsContentEncoding";

  private final Compression compression;
  private final int minSize;

  /** Compression with {@code compression} (null: none) of bodies of {@code minSize} bytes up. */
  public Compressing(Compression compression, int minSize) {
    this.compression = compression;
    this.minSize = minSize;
  }

  /** Whether bodies are compressed at all. */
  public boolean enabled() {
    return compression != null;
  }

  /** The request with its body compressed, or the request itself. */
  public SendMessageRequest apply(SendMessageRequest request) {
    Optional<Map.Entry<String, Map<String, MessageAttributeValue>>> compressed =
        compressed(request.messageBody(), request.messageAttributes());
    if (compressed.isEmpty()) {
      return request;
    }
    return request.toBuilder()
        .messageBody(compressed.get().getKey())
        .messageAttributes(compressed.get().getValue())
        .build();
  }

  /** The batch with each entry's body compressed where it gains, or the batch itself. */
  public SendMessageBatchRequest apply(SendMessageBatchRequest request) {
    if (compression == null) {
      return request;
    }
    boolean changed = false;
    List<SendMessageBatchRequestEntry> entries = new java.util.ArrayList<>();
    for (SendMessageBatchRequestEntry entry : request.entries()) {
      Optional<Map.Entry<String, Map<String, MessageAttributeValue>>> compressed =
          compressed(entry.messageBody(), entry.messageAttributes());
      if (compressed.isEmpty()) {
        entries.add(entry);
      } else {
        changed = true;
        entries.add(
            entry.toBuilder()
                .messageBody(compressed.get().getKey())
                .messageAttributes(compressed.get().getValue())
                .build());
      }
    }
    return changed ? request.toBuilder().entries(entries).build() : request;
  }

  /**
   * The compressed body (base64) and attributes with the encoding named, or empty when this body is
   * left as it is.
   */
  public Optional<Map.Entry<String, Map<String, MessageAttributeValue>>> compressed(
      String body, Map<String, MessageAttributeValue> attributes) {
    if (compression == null
        || attributes.containsKey(Compression.ATTRIBUTE)
        || attributes.size() > MAX_ATTRIBUTES_TO_COMPRESS) {
      return Optional.empty();
    }
    return compressedBody(body, compression, minSize)
        .map(packed -> Map.entry(packed, marked(attributes, compression.encoding())));
  }

  /**
   * {@code body} compressed with {@code compression}, in base64, or empty when it has fewer than
   * {@code minSize} UTF-8 bytes or would not shrink (the attribute's name, type and value counted).
   */
  public static Optional<String> compressedBody(String body, Compression compression, int minSize) {
    if (body == null || body.length() * 3L < minSize) {
      return Optional.empty();
    }
    byte[] utf8 = body.getBytes(StandardCharsets.UTF_8);
    if (utf8.length < minSize) {
      return Optional.empty();
    }
    byte[] packed = BodyCodec.compress(compression, utf8);
    // base64 is 4/3 of the bytes, and the attribute costs its name, type and value
    long encodedSize =
        4L * ((packed.length + 2) / 3)
            + Compression.ATTRIBUTE.length()
            + "String".length()
            + compression.encoding().length();
    if (encodedSize >= utf8.length) {
      return Optional.empty();
    }
    return Optional.of(Base64.getEncoder().encodeToString(packed));
  }

  /**
   * {@code body} compressed with {@code compression}, in base64, whatever its size (a body that
   * came compressed, sent on as it came).
   */
  public static String compressedAnyway(String body, Compression compression) {
    return Base64.getEncoder()
        .encodeToString(BodyCodec.compress(compression, body.getBytes(StandardCharsets.UTF_8)));
  }

  /** The attribute that names {@code compression}. */
  public static MessageAttributeValue attribute(Compression compression) {
    return attribute(compression.encoding());
  }

  private static MessageAttributeValue attribute(String encoding) {
    return MessageAttributeValue.builder().dataType("String").stringValue(encoding).build();
  }

  /** The attributes plus {@value Compression#ATTRIBUTE} naming {@code encoding}. */
  public static Map<String, MessageAttributeValue> marked(
      Map<String, MessageAttributeValue> attributes, String encoding) {
    Map<String, MessageAttributeValue> marked = new LinkedHashMap<>(attributes);
    marked.put(Compression.ATTRIBUTE, attribute(encoding));
    return marked;
  }

  /**
   * The encoding a message's attributes name ({@value Compression#ATTRIBUTE}'s value, trimmed), or
   * empty for a message that is not compressed.
   */
  public static Optional<String> encodingOf(Map<String, MessageAttributeValue> attributes) {
    MessageAttributeValue value = attributes.get(Compression.ATTRIBUTE);
    if (value == null) {
      return Optional.empty();
    }
    String text = value.stringValue();
    return Optional.of(text == null ? "" : text.trim());
  }

  /** The attributes without {@value Compression#ATTRIBUTE}. */
  public static Map<String, MessageAttributeValue> strip(
      Map<String, MessageAttributeValue> attributes) {
    if (!attributes.containsKey(Compression.ATTRIBUTE)) {
      return attributes;
    }
    Map<String, MessageAttributeValue> stripped = new LinkedHashMap<>(attributes);
    stripped.remove(Compression.ATTRIBUTE);
    return stripped;
  }

  /**
   * The decompressed bytes of a compressed body: {@code compressed} decoded by the encoding the
   * attribute names, at most {@code limit} bytes.
   *
   * @throws BodyCodec.Refused for an encoding sqsx does not know, a corrupt stream or more than
   *     {@code limit} bytes
   */
  public static byte[] decompress(String encoding, byte[] compressed, long limit) {
    return BodyCodec.decompress(known(encoding), compressed, limit);
  }

  /**
   * An inline compressed body (base64) decompressed; the encoding is checked first, so that an
   * unknown one is named as such whatever the body holds.
   *
   * @throws BodyCodec.Refused as {@link #decompress}, or when the body is not base64
   */
  public static byte[] decompressInline(String encoding, String body, long limit) {
    Compression compression = known(encoding);
    return BodyCodec.decompress(compression, inlineBytes(body), limit);
  }

  /**
   * A stored compressed payload (base64 text) decompressed; the encoding is checked first.
   *
   * @throws BodyCodec.Refused as {@link #decompress}, or when the payload is not base64
   */
  public static byte[] decompressStored(String encoding, byte[] payload, long limit) {
    Compression compression = known(encoding);
    return BodyCodec.decompress(compression, base64(payload), limit);
  }

  private static Compression known(String encoding) {
    return Compression.ofEncoding(encoding)
        .orElseThrow(
            () ->
                new BodyCodec.Refused(
                    "unknown content encoding '"
                        + printable(encoding)
                        + "' in the "
                        + Compression.ATTRIBUTE
                        + " attribute (sqsx reads gzip and zstd)"));
  }

  /**
   * The base64 body of an inline compressed message, decoded.
   *
   * @throws BodyCodec.Refused when it is not base64
   */
  public static byte[] inlineBytes(String body) {
    return base64(body == null ? new byte[0] : body.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * A stored compressed payload (base64 text, as UTF-8 bytes), decoded.
   *
   * @throws BodyCodec.Refused when it is not base64
   */
  public static byte[] base64(byte[] text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new BodyCodec.Refused("the compressed body is not base64 (" + e.getMessage() + ")");
    }
  }

  /** A sender's value, cut short and without control characters, for an error message. */
  private static String printable(String value) {
    String cut = value.length() > 32 ? value.substring(0, 32) + "…" : value;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
