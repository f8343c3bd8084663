/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.sqsx.extended.MalformedPointerException;
import dev.sqsx.extended.PayloadPointer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads pointer bodies, exactly as AWS's extended clients do:
 *
 * <pre>
 * ["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"b","s3Key":"k"}]
 * ["dev.sqsx.PayloadDynamoDbPointer",{"tableName":"t","key":"k"}]
 * </pre>
 *
 * Written compactly; read tolerantly (whitespace, unknown fields, the legacy class name {@code
 * com.amazon.sqs.javamessaging.MessageS3Pointer}). No reflection or polymorphic typing: the class
 * name is matched against a fixed list. Read into plain lists and maps by jackson-jr; every
 * failure, whatever its cause, is a {@link MalformedPointerException}.
 */
public final class PointerCodec {

  /** Class name AWS's payload-offloading library writes for S3 pointers. */
  public static final String S3_CLASS = "software.amazon.payloadoffloading.PayloadS3Pointer";

  /** Class name the AWS Java extended client 1.x wrote for S3 pointers. */
  public static final String LEGACY_S3_CLASS = "com.amazon.sqs.javamessaging.MessageS3Pointer";

  /** Class name sqsx writes for DynamoDB pointers. */
  public static final String DYNAMODB_CLASS = "dev.sqsx.PayloadDynamoDbPointer";

  private static final JSON JSON_CODEC = JSON.std;

  private PointerCodec() {}

  /** The compact JSON body for a pointer. */
  public static String write(PayloadPointer pointer) {
    Map<String, String> fields = new LinkedHashMap<>(4);
    String type;
    if (pointer.kind() == PayloadPointer.Kind.S3) {
      type = S3_CLASS;
      fields.put("s3BucketName", pointer.container());
      fields.put("s3Key", pointer.key());
    } else {
      type = DYNAMODB_CLASS;
      fields.put("tableName", pointer.container());
      fields.put("key", pointer.key());
    }
    try {
      return JSON_CODEC.asString(List.of(type, fields));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a pointer of two strings as JSON", e);
    }
  }

  /**
   * Reads a pointer body.
   *
   * @throws MalformedPointerException when the body is not a pointer of a known class
   */
  public static PayloadPointer read(String body) {
    if (body == null || body.isBlank()) {
      throw malformed("the body is empty", null);
    }
    Object root;
    try {
      root = JSON_CODEC.anyFrom(body);
    } catch (IOException | RuntimeException e) {
      // The parser's message quotes the body; only where it failed is kept.
      throw malformed("the body is not JSON" + where(e), null);
    }
    if (!(root instanceof List<?> parts)
        || parts.size() != 2
        || !(parts.get(0) instanceof String type)
        || !(parts.get(1) instanceof Map<?, ?> fields)) {
      throw malformed("the body is not a [class, fields] JSON array", null);
    }
    switch (type) {
      case S3_CLASS:
      case LEGACY_S3_CLASS:
        return pointer(PayloadPointer.Kind.S3, fields, "s3BucketName", "s3Key");
      case DYNAMODB_CLASS:
        return pointer(PayloadPointer.Kind.DYNAMODB, fields, "tableName", "key");
      default:
        throw malformed("unknown pointer class '" + printable(type) + "'", null);
    }
  }

  private static PayloadPointer pointer(
      PayloadPointer.Kind kind, Map<?, ?> fields, String containerField, String keyField) {
    return new PayloadPointer(kind, text(fields, containerField), text(fields, keyField));
  }

  private static String text(Map<?, ?> fields, String name) {
    if (!(fields.get(name) instanceof String value) || value.isEmpty()) {
      throw malformed("the pointer has no '" + name + "' string", null);
    }
    return value;
  }

  private static String where(Exception e) {
    if (e instanceof JsonProcessingException json && json.getLocation() != null) {
      return " (at character " + json.getLocation().getCharOffset() + ")";
    }
    return " (" + e.getClass().getSimpleName() + ")";
  }

  private static MalformedPointerException malformed(String reason, Throwable cause) {
    return new MalformedPointerException(
        "message body is not a payload pointer: " + reason, null, null, null, cause);
  }

  /** A class name from the wire, cut and stripped of control characters so it is safe to log. */
  private static String printable(String value) {
    String cut = value.length() > 100 ? value.substring(0, 100) + "..." : value;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
