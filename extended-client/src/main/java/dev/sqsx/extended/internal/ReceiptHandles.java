/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import dev.sqsx.extended.MalformedPointerException;
import dev.sqsx.extended.PayloadPointer;
import java.util.Optional;

/**
 * Embeds a payload pointer in a receipt handle, and takes it out again, with the markers AWS's
 * extended client uses for S3 ({@code -..s3BucketName..-} and {@code -..s3Key..-}) and sqsx's own
 * for DynamoDB. Parsed by the markers, never by splitting on '-'.
 */
public final class ReceiptHandles {

  static final String S3_BUCKET_MARKER = "-..s3BucketName..-";
  static final String S3_KEY_MARKER = "-..s3Key..-";
  static final String DYNAMODB_TABLE_MARKER = "-..dynamoDbTable..-";
  static final String DYNAMODB_KEY_MARKER = "-..dynamoDbKey..-";

  /**
   * sqsx's mark, before the pointer markers, of a payload that other subscriptions share (it came
   * through SNS): deleting the message never deletes it.
   */
  static final String SHARED_MARKER = "-..sqsxShared..-";

  /**
   * sqsx's mark, around the encoding's name and before the other markers, of a payload stored
   * compressed ({@code -..sqsxEncoding..-gzip-..sqsxEncoding..-}): a copy of the message sent on
   * (to a DLQ) says so again.
   */
  static final String ENCODING_MARKER = "-..sqsxEncoding..-";

  private ReceiptHandles() {}

  /**
   * A receipt handle as SQS gave it, the pointer embedded in it by the extended client, and whether
   * that payload is shared with other subscriptions (never deleted with the message).
   */
  public record Parsed(
      String original,
      Optional<PayloadPointer> pointer,
      boolean shared,
      Optional<String> encoding) {

    /** A handle whose payload, if any, is stored as it was sent (not compressed). */
    public Parsed(String original, Optional<PayloadPointer> pointer, boolean shared) {
      this(original, pointer, shared, Optional.empty());
    }

    /** A handle whose payload, if any, belongs to this message alone. */
    public Parsed(String original, Optional<PayloadPointer> pointer) {
      this(original, pointer, false);
    }

    /** The pointer of a payload that goes with the message when it is deleted. */
    public Optional<PayloadPointer> deletable() {
      return shared ? Optional.empty() : pointer;
    }
  }

  /** The handle the caller sees for an offloaded message. */
  public static String embed(PayloadPointer pointer, String receiptHandle) {
    String containerMarker = containerMarker(pointer.kind());
    String keyMarker = keyMarker(pointer.kind());
    return containerMarker
        + pointer.container()
        + containerMarker
        + keyMarker
        + pointer.key()
        + keyMarker
        + receiptHandle;
  }

  /** The handle the caller sees for a message whose payload other subscriptions share. */
  public static String embedShared(PayloadPointer pointer, String receiptHandle) {
    return SHARED_MARKER + embed(pointer, receiptHandle);
  }

  /**
   * The handle (one {@link #embed} or {@link #embedShared} made) marked as that of a payload stored
   * compressed with {@code encoding}.
   */
  public static String embedEncoding(String encoding, String embedded) {
    return ENCODING_MARKER + encoding + ENCODING_MARKER + embedded;
  }

  /**
   * Splits a handle into the original SQS handle and the embedded pointer, if any. A null handle is
   * returned as is (SQS will reject it with its own error).
   *
   * @throws MalformedPointerException when the handle starts with a marker but is not well formed
   */
  public static Parsed parse(String handle) {
    if (handle != null && handle.startsWith(ENCODING_MARKER)) {
      int end = handle.indexOf(ENCODING_MARKER, ENCODING_MARKER.length());
      if (end <= ENCODING_MARKER.length()) {
        throw malformed();
      }
      Parsed inner = parse(handle.substring(end + ENCODING_MARKER.length()));
      if (inner.pointer().isEmpty()) {
        throw malformed();
      }
      return new Parsed(
          inner.original(),
          inner.pointer(),
          inner.shared(),
          Optional.of(handle.substring(ENCODING_MARKER.length(), end)));
    }
    if (handle != null && handle.startsWith(SHARED_MARKER)) {
      Parsed inner = parse(handle.substring(SHARED_MARKER.length()));
      if (inner.pointer().isEmpty()) {
        throw malformed();
      }
      return new Parsed(inner.original(), inner.pointer(), true);
    }
    if (handle != null) {
      for (PayloadPointer.Kind kind : PayloadPointer.Kind.values()) {
        if (handle.startsWith(containerMarker(kind))) {
          return parse(handle, kind);
        }
      }
    }
    return new Parsed(handle, Optional.empty());
  }

  /** The handle to send to SQS: the original one, with any embedded pointer removed. */
  public static String original(String handle) {
    return parse(handle).original();
  }

  /**
   * The container ends at the first container marker that a key marker follows (an S3 bucket name
   * cannot hold "..", so it cannot hold a marker); the key ends at the last key marker (an SQS
   * receipt handle is base64 and cannot hold one), so a key may contain either marker.
   */
  private static Parsed parse(String handle, PayloadPointer.Kind kind) {
    String containerMarker = containerMarker(kind);
    String keyMarker = keyMarker(kind);
    int containerStart = containerMarker.length();
    int containerEnd = handle.indexOf(containerMarker + keyMarker, containerStart);
    if (containerEnd <= containerStart) {
      throw malformed();
    }
    int keyStart = containerEnd + containerMarker.length() + keyMarker.length();
    int keyEnd = handle.lastIndexOf(keyMarker);
    if (keyEnd <= keyStart || keyEnd + keyMarker.length() >= handle.length()) {
      throw malformed();
    }
    PayloadPointer pointer =
        new PayloadPointer(
            kind,
            handle.substring(containerStart, containerEnd),
            handle.substring(keyStart, keyEnd));
    return new Parsed(handle.substring(keyEnd + keyMarker.length()), Optional.of(pointer));
  }

  private static MalformedPointerException malformed() {
    return new MalformedPointerException(
        "receipt handle carries payload markers but is not well formed", null, null, null, null);
  }

  private static String containerMarker(PayloadPointer.Kind kind) {
    return kind == PayloadPointer.Kind.S3 ? S3_BUCKET_MARKER : DYNAMODB_TABLE_MARKER;
  }

  private static String keyMarker(PayloadPointer.Kind kind) {
    return kind == PayloadPointer.Kind.S3 ? S3_KEY_MARKER : DYNAMODB_KEY_MARKER;
  }
}
