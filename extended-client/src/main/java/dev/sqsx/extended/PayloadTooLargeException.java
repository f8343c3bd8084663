/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * A payload is larger than the store's {@code maxPayloadSize}: refused before it is stored, and
 * before it is downloaded when a received pointer names one (the size comes from S3's content
 * length or the DynamoDB manifest). A kind of {@link PayloadNotAllowedException}, so it is not
 * retried: retrying cannot make it smaller.
 */
public class PayloadTooLargeException extends PayloadNotAllowedException {

  private static final long serialVersionUID = 1L;

  /** An exception with its message; any of the context arguments and the cause may be null. */
  public PayloadTooLargeException(
      String message, String queueUrl, String messageId, PayloadPointer pointer, Throwable cause) {
    super(message, queueUrl, messageId, pointer, cause);
  }

  /** A copy made by {@link #toBuilder()}. */
  protected PayloadTooLargeException(
      SdkClientException.Builder builder,
      String queueUrl,
      String messageId,
      PayloadPointer pointer) {
    super(builder, queueUrl, messageId, pointer);
  }

  @Override
  protected PayloadTooLargeException rebuild(SdkClientException.Builder builder) {
    return new PayloadTooLargeException(
        builder, queueUrl().orElse(null), messageId().orElse(null), pointer().orElse(null));
  }
}
