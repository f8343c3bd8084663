/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * A message's body is an SNS envelope that cannot be unwrapped: its {@code Type} is not {@code
 * Notification} (a subscription confirmation, say), its {@code Message} is missing or not a string,
 * or one of its {@code MessageAttributes} has an unknown type or an unreadable value. The message
 * is left in its queue (or dead-lettered by a consumer, with this reason); retrying cannot help.
 */
public class SnsEnvelopeException extends ExtendedClientException {

  private static final long serialVersionUID = 1L;

  /** An exception with its message; the queue URL and message id may be null. */
  public SnsEnvelopeException(String message, String queueUrl, String messageId) {
    super(message, queueUrl, messageId, null, null);
  }

  /** A copy made by {@link #toBuilder()}. */
  protected SnsEnvelopeException(
      SdkClientException.Builder builder, String queueUrl, String messageId) {
    super(builder, queueUrl, messageId, null);
  }

  @Override
  protected SnsEnvelopeException rebuild(SdkClientException.Builder builder) {
    return new SnsEnvelopeException(builder, queueUrl().orElse(null), messageId().orElse(null));
  }

  /** Never: the same body is read again. */
  @Override
  public boolean retryable() {
    return false;
  }
}
