/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import java.util.Objects;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A received message whose payload could not be resolved. The message was not returned as data; it
 * stays in the queue for redelivery (or, with {@code ignorePayloadNotFound} and a missing payload,
 * was deleted as AWS's extended client does).
 *
 * @param queueUrl the queue the message was received from
 * @param messageId the message's id
 * @param receiptHandle the receipt handle SQS gave this receive (not the body: bodies are never
 *     reported)
 * @param error what went wrong: a {@link PayloadNotFoundException}, {@link
 *     PayloadNotAllowedException}, {@link MalformedPointerException}, {@link
 *     PayloadIntegrityException}, {@link PayloadEncodingException} or another {@link
 *     ExtendedClientException}
 * @param deleted whether the message was deleted from the queue ({@code ignorePayloadNotFound})
 * @param message the message as SQS returned it (pointer body, marker attribute, plain receipt
 *     handle), for a failure policy that moves it to a dead-letter queue; never log its body
 */
public record PayloadResolutionFailure(
    String queueUrl,
    String messageId,
    String receiptHandle,
    ExtendedClientException error,
    boolean deleted,
    Message message) {

  /** Creates a failure report; queue URL, message id and error are required. */
  public PayloadResolutionFailure {
    Objects.requireNonNull(queueUrl, "queueUrl cannot be null");
    Objects.requireNonNull(messageId, "messageId cannot be null");
    Objects.requireNonNull(error, "error cannot be null");
    Objects.requireNonNull(message, "message cannot be null");
  }

  /**
   * Queue, message id, error and whether it was deleted — never the message's body or attributes
   * (what a sender put there is untrusted input, and logs must not carry bodies).
   */
  @Override
  public String toString() {
    return "PayloadResolutionFailure[queueUrl="
        + queueUrl
        + ", messageId="
        + messageId
        + ", error="
        + error
        + ", deleted="
        + deleted
        + "]";
  }

  /**
   * Whether redelivering the message could succeed later: false for a malformed or foreign pointer,
   * for a payload that failed its integrity check, for a compressed body that cannot be
   * decompressed (unknown encoding, corrupt, or over {@code maxPayloadSize}) and for an SNS
   * envelope that cannot be unwrapped.
   */
  public boolean retryable() {
    return !(error instanceof PayloadNotAllowedException)
        && !(error instanceof MalformedPointerException)
        && !(error instanceof SnsEnvelopeException)
        && !(error instanceof PayloadIntegrityException)
        && !(error instanceof PayloadEncodingException);
  }
}
