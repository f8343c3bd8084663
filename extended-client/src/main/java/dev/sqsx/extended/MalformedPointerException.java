/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import software.amazon.awssdk.core.exception.SdkClientException;

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

  /** A copy made by {@link #toBuilder()}. */
  protected MalformedPointerException(
      SdkClientException.Builder builder,
      String queueUrl,
      String messageId,
      PayloadPointer pointer) {
    super(builder, queueUrl, messageId, pointer);
  }

  @Override
  protected MalformedPointerException rebuild(SdkClientException.Builder builder) {
    return new MalformedPointerException(
        builder, queueUrl().orElse(null), messageId().orElse(null), pointer().orElse(null));
  }

  /** Never: another attempt reads the same pointer and payload. */
  @Override
  public boolean retryable() {
    return false;
  }
}
