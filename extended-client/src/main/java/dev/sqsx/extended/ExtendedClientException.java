/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The base of every exception the extended client throws. It extends the SDK's {@link
 * SdkClientException}, as AWS's extended client's exceptions do, so code that catches {@code
 * SdkException} or {@code SdkClientException} around SQS calls catches sqsx's too. It carries,
 * where known, the queue URL, the message id and the payload pointer involved.
 *
 * <p>The hierarchy:
 *
 * <ul>
 *   <li>{@code ExtendedClientException} itself: a store or configuration failure (an S3 or DynamoDB
 *       error, a message that cannot be offloaded); its cause says which, and whether another
 *       attempt may help.
 *   <li>{@link PayloadNotFoundException}: the pointer names a payload that is not there (expired or
 *       deleted).
 *   <li>{@link PayloadNotAllowedException}: the pointer names a bucket, table or key the store does
 *       not allow; and its subclass {@link PayloadTooLargeException}, a payload over the store's
 *       size limit. Never retried.
 *   <li>{@link MalformedPointerException}: a marker without a readable pointer. Never retried.
 *   <li>{@link PayloadIntegrityException}: a payload that does not match its recorded checksum.
 *       Never retried.
 *   <li>{@link PayloadEncodingException}: a compressed body that cannot be decompressed (unknown
 *       encoding, corrupt, or over {@code maxPayloadSize}). Never retried.
 * </ul>
 *
 * <p>{@link #toBuilder()} keeps the exception's class and context (the SDK rebuilds an exception
 * that way to record its attempt count).
 */
public class ExtendedClientException extends SdkClientException {

  private static final long serialVersionUID = 2L;

  private final String queueUrl;
  private final String messageId;
  private final transient PayloadPointer pointer;

  /** An exception with its message only. */
  public ExtendedClientException(String message) {
    this(message, null, null, null, null);
  }

  /** An exception with its message and cause. */
  public ExtendedClientException(String message, Throwable cause) {
    this(message, null, null, null, cause);
  }

  /**
   * An exception with full context; any of {@code queueUrl}, {@code messageId}, {@code pointer} and
   * {@code cause} may be null. The context is appended to the message.
   */
  public ExtendedClientException(
      String message, String queueUrl, String messageId, PayloadPointer pointer, Throwable cause) {
    this(
        SdkClientException.builder()
            .message(describe(message, queueUrl, messageId, pointer))
            .cause(cause),
        queueUrl,
        messageId,
        pointer);
  }

  /** A copy made by {@link #toBuilder()}: the builder's message and cause, the same context. */
  protected ExtendedClientException(
      SdkClientException.Builder builder,
      String queueUrl,
      String messageId,
      PayloadPointer pointer) {
    super(builder);
    this.queueUrl = queueUrl;
    this.messageId = messageId;
    this.pointer = pointer;
  }

  /** This exception built again from {@code builder}; a subclass overrides it to keep its class. */
  protected ExtendedClientException rebuild(SdkClientException.Builder builder) {
    return new ExtendedClientException(builder, queueUrl, messageId, pointer);
  }

  /**
   * Whether another attempt of the same call may succeed, in the SDK's sense: for a store failure,
   * what its cause says (an SDK error the SDK marks retryable, or no answer at all: an I/O
   * failure). The subclasses name something wrong with the pointer or the payload itself and are
   * never retryable. (Whether a consumer should leave an unresolvable message to redelivery is
   * {@link PayloadResolutionFailure#retryable()}.)
   */
  @Override
  public boolean retryable() {
    for (Throwable cause = getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof SdkException sdk && sdk.retryable()) {
        return true;
      }
      if (cause instanceof IOException || cause instanceof UncheckedIOException) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  /** A builder whose {@code build()} returns an exception of this one's class and context. */
  @Override
  public SdkClientException.Builder toBuilder() {
    return new SameKind(this);
  }

  private static String describe(
      String message, String queueUrl, String messageId, PayloadPointer pointer) {
    StringBuilder text = new StringBuilder(message);
    if (queueUrl != null) {
      text.append(" [queue ").append(queueUrl).append(']');
    }
    if (messageId != null) {
      text.append(" [message ").append(messageId).append(']');
    }
    if (pointer != null) {
      text.append(" [payload ").append(pointer).append(']');
    }
    return text.toString();
  }

  /** The queue involved, when known. */
  public Optional<String> queueUrl() {
    return Optional.ofNullable(queueUrl);
  }

  /** The message involved, when known. */
  public Optional<String> messageId() {
    return Optional.ofNullable(messageId);
  }

  /** The payload pointer involved, when known. */
  public Optional<PayloadPointer> pointer() {
    return Optional.ofNullable(pointer);
  }

  private static final class SameKind extends SdkClientException.BuilderImpl {
    private final ExtendedClientException original;

    SameKind(ExtendedClientException original) {
      super(original);
      this.original = original;
    }

    @Override
    public ExtendedClientException build() {
      return original.rebuild(this);
    }
  }
}
