/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * A pointer names a bucket or table that is not on the store's allow-list, or something there the
 * store will not take as one of its payloads (a key outside its {@code keyPrefix}; for a delete
 * from the DynamoDB store, a key whose manifest item is not a payload manifest). The payload is
 * never read or deleted; retrying cannot help.
 */
public class PayloadNotAllowedException extends ExtendedClientException {

  private static final long serialVersionUID = 1L;

  /** An exception with its message; any of the context arguments and the cause may be null. */
  public PayloadNotAllowedException(
      String message, String queueUrl, String messageId, PayloadPointer pointer, Throwable cause) {
    super(message, queueUrl, messageId, pointer, cause);
  }

  /** A copy made by {@link #toBuilder()}. */
  protected PayloadNotAllowedException(
      SdkClientException.Builder builder,
      String queueUrl,
      String messageId,
      PayloadPointer pointer) {
    super(builder, queueUrl, messageId, pointer);
  }

  @Override
  protected PayloadNotAllowedException rebuild(SdkClientException.Builder builder) {
    return new PayloadNotAllowedException(
        builder, queueUrl().orElse(null), messageId().orElse(null), pointer().orElse(null));
  }

  /** Never: another attempt reads the same pointer and payload. */
  @Override
  public boolean retryable() {
    return false;
  }
}
