package dev.sqsx.extended;

/**
 * The stored payload a pointer names does not exist (deleted, expired, or never written). Retrying
 * may help only if the payload is still being written.
 */
public class PayloadNotFoundException extends ExtendedClientException {

  private static final long serialVersionUID = 1L;

  /** An exception with its message; any of the context arguments and the cause may be null. */
  public PayloadNotFoundException(
      String message, String queueUrl, String messageId, PayloadPointer pointer, Throwable cause) {
    super(message, queueUrl, messageId, pointer, cause);
  }
}
