package dev.sqsx.extended;

/**
 * A message carries the payload marker attribute but its body is not a pointer sqsx can read, or a
 * receipt handle carries payload markers but is malformed. Retrying cannot help.
 */
public class MalformedPointerException extends ExtendedClientException {

  private static final long serialVersionUID = 1L;

  /** An exception with its message; any of the context arguments and the cause may be null. */
  public MalformedPointerException(
      String message, String queueUrl, String messageId, PayloadPointer pointer, Throwable cause) {
    super(message, queueUrl, messageId, pointer, cause);
  }
}
