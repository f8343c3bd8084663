package dev.sqsx.extended;

import java.util.Optional;

/**
 * The base of every exception the extended client throws: an unchecked exception that carries,
 * where known, the queue URL, the message id and the payload pointer involved.
 *
 * <p>Its subclasses say what went wrong with a payload: {@link PayloadNotFoundException}, {@link
 * PayloadNotAllowedException}, {@link MalformedPointerException}. An exception of this class itself
 * is a store or configuration failure (an S3 error, a message that cannot be offloaded).
 */
public class ExtendedClientException extends RuntimeException {

  private static final long serialVersionUID = 1L;

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
    super(describe(message, queueUrl, messageId, pointer), cause);
    this.queueUrl = queueUrl;
    this.messageId = messageId;
    this.pointer = pointer;
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
}
