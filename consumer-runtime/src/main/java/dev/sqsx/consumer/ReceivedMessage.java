/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A message as a handler sees it: body, ids, attributes, and where it stands in its retries.
 *
 * <p>Immutable and thread-safe. The attempt number comes from SQS's {@code
 * ApproximateReceiveCount}; the last attempt is known when the queue has a redrive policy.
 */
public final class ReceivedMessage {

  private final Message message;
  private final String queueUrl;
  private final int attempt;
  private final Integer maxReceiveCount;
  private final Instant deadline;

  /**
   * Wraps a received SDK message.
   *
   * @param maxReceiveCount the redrive policy's {@code maxReceiveCount}, or null without one
   */
  public ReceivedMessage(Message message, String queueUrl, Integer maxReceiveCount) {
    this(message, queueUrl, maxReceiveCount, null);
  }

  /**
   * Wraps a received SDK message whose processing must end by {@code deadline} (an AWS Lambda
   * invocation's end, for example), or null for none.
   *
   * @param maxReceiveCount the redrive policy's {@code maxReceiveCount}, or null without one
   */
  public ReceivedMessage(
      Message message, String queueUrl, Integer maxReceiveCount, Instant deadline) {
    this.message = Objects.requireNonNull(message, "message cannot be null");
    this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl cannot be null");
    this.maxReceiveCount = maxReceiveCount;
    this.attempt = parseAttempt(message);
    this.deadline = deadline;
  }

  private static int parseAttempt(Message message) {
    String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
    try {
      return count == null ? 1 : Math.max(1, Integer.parseInt(count));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** The body (for an offloaded message received through the extended client, the payload). */
  public String body() {
    return message.body();
  }

  /** The message id SQS assigned. */
  public String messageId() {
    return message.messageId();
  }

  /** The queue the message was received from. */
  public String queueUrl() {
    return queueUrl;
  }

  /** The message attributes the sender set. */
  public Map<String, MessageAttributeValue> messageAttributes() {
    return message.messageAttributes();
  }

  /** The system attributes SQS reports (receive count, timestamps, group id, ...). */
  public Map<MessageSystemAttributeName, String> systemAttributes() {
    return message.attributes();
  }

  /** This delivery's attempt number, from 1 ({@code ApproximateReceiveCount}). */
  public int attempt() {
    return attempt;
  }

  /** The redrive policy's {@code maxReceiveCount}, when the queue has one. */
  public OptionalInt maxReceiveCount() {
    return maxReceiveCount == null ? OptionalInt.empty() : OptionalInt.of(maxReceiveCount);
  }

  /** Attempts left after this one before SQS moves the message to the DLQ, when known. */
  public OptionalInt attemptsRemaining() {
    return maxReceiveCount == null
        ? OptionalInt.empty()
        : OptionalInt.of(Math.max(0, maxReceiveCount - attempt));
  }

  /** Whether a failure now sends the message to the DLQ (false when the queue has no policy). */
  public boolean isLastAttempt() {
    return maxReceiveCount != null && attempt >= maxReceiveCount;
  }

  /**
   * The SNS topic this message was published to, when it reached the queue as an SNS notification
   * that the extended client unwrapped ({@code snsEnvelopes(true)}); empty otherwise (raw message
   * delivery carries no topic).
   */
  public Optional<String> snsTopicArn() {
    return Optional.ofNullable(message.attributesAsStrings().get("sqsx.SnsTopicArn"));
  }

  /** The SNS message id of a notification the extended client unwrapped; empty otherwise. */
  public Optional<String> snsMessageId() {
    return Optional.ofNullable(message.attributesAsStrings().get("sqsx.SnsMessageId"));
  }

  /**
   * The message group: for a FIFO queue the group whose order SQS keeps; for a standard queue whose
   * sender set a {@code MessageGroupId} (an SQS fair queue), the tenant the message belongs to (the
   * group {@code maxInFlightPerGroup} caps). Empty when the sender set none. The consumer asks for
   * every system attribute on receive, so this needs no option.
   */
  public Optional<String> messageGroupId() {
    return Optional.ofNullable(
        message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
  }

  /** When SQS first delivered the message, when reported. */
  public Optional<Instant> firstReceivedAt() {
    String millis =
        message.attributes().get(MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP);
    try {
      return millis == null
          ? Optional.empty()
          : Optional.of(Instant.ofEpochMilli(Long.parseLong(millis)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * When processing must have ended, if the runner has such a limit: set by sqsx-lambda to the end
   * of the invocation (so {@code IdempotentHandler}'s lease does not outlive it); empty under
   * {@code SqsConsumer}, which extends the message's visibility instead.
   */
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** The SDK message as received (its receipt handle belongs to the consumer: do not delete it). */
  public Message sdkMessage() {
    return message;
  }

  @Override
  public String toString() {
    return "ReceivedMessage{id="
        + messageId()
        + ", queue="
        + queueUrl
        + ", attempt="
        + attempt
        + '}';
  }
}
