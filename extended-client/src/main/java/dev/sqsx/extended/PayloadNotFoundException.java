/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import software.amazon.awssdk.core.exception.SdkClientException;

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

  /** A copy made by {@link #toBuilder()}. */
  protected PayloadNotFoundException(
      SdkClientException.Builder builder,
      String queueUrl,
      String messageId,
      PayloadPointer pointer) {
    super(builder, queueUrl, messageId, pointer);
  }

  @Override
  protected PayloadNotFoundException rebuild(SdkClientException.Builder builder) {
    return new PayloadNotFoundException(
        builder, queueUrl().orElse(null), messageId().orElse(null), pointer().orElse(null));
  }

  /** Never: another attempt reads the same pointer and payload. */
  @Override
  public boolean retryable() {
    return false;
  }
}
