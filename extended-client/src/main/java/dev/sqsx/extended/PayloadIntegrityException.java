/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * A stored payload does not match what was stored: its SHA-256 differs from the one recorded at
 * store time, or its chunks are incomplete. The payload is never handed to a caller; retrying
 * cannot help.
 */
public class PayloadIntegrityException extends ExtendedClientException {

  private static final long serialVersionUID = 1L;

  /** An exception with its message; any of the context arguments and the cause may be null. */
  public PayloadIntegrityException(
      String message, String queueUrl, String messageId, PayloadPointer pointer, Throwable cause) {
    super(message, queueUrl, messageId, pointer, cause);
  }

  /** A copy made by {@link #toBuilder()}. */
  protected PayloadIntegrityException(
      SdkClientException.Builder builder,
      String queueUrl,
      String messageId,
      PayloadPointer pointer) {
    super(builder, queueUrl, messageId, pointer);
  }

  @Override
  protected PayloadIntegrityException rebuild(SdkClientException.Builder builder) {
    return new PayloadIntegrityException(
        builder, queueUrl().orElse(null), messageId().orElse(null), pointer().orElse(null));
  }

  /** Never: another attempt reads the same pointer and payload. */
  @Override
  public boolean retryable() {
    return false;
  }
}
