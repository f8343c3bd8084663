package dev.sqsx.consumer;

/**
 * Thrown by a handler to say "retrying cannot help" (a malformed order, a validation failure): the
 * message goes to the dead-letter queue at once, with the reason attached.
 */
public class NonRetryableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An exception with its reason. */
  public NonRetryableException(String message) {
    super(message);
  }

  /** An exception with its reason and cause. */
  public NonRetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
