/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.lambda;

import dev.sqsx.consumer.AsyncMessageHandler;
import dev.sqsx.consumer.BatchMessageHandler;
import dev.sqsx.consumer.MessageHandler;
import dev.sqsx.consumer.NonRetryableException;
import dev.sqsx.extended.PayloadStore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds a {@link LambdaConsumer}: every option with its default and its valid range. {@link
 * #build()} validates and freezes the options; later changes to the builder never reach a built
 * consumer. Not thread-safe.
 */
public final class LambdaConsumerBuilder {

  private AsyncMessageHandler handler;
  private BatchMessageHandler batchHandler;
  private PayloadStore payloadStore;
  private boolean deletePayloads;
  private boolean snsEnvelopes;
  private SqsClient sqs;
  private String deadLetterQueueUrl;
  private Predicate<Throwable> nonRetryable = NonRetryableException::isNonRetryableByDefault;
  private int concurrency = 10;
  private Duration timeoutMargin = Duration.ofSeconds(1);
  private Duration visibilityTimeout;
  private Integer maxReceiveCount;

  LambdaConsumerBuilder() {}

  /** A blocking handler, run on a worker thread. One of the handler shapes is required. */
  public LambdaConsumerBuilder handler(MessageHandler handler) {
    Objects.requireNonNull(handler, "handler cannot be null");
    this.handler =
        message -> {
          try {
            handler.handle(message);
            return CompletableFuture.completedFuture(null);
          } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
          }
        };
    return this;
  }

  /** A non-blocking handler. One of the handler shapes is required. */
  public LambdaConsumerBuilder asyncHandler(AsyncMessageHandler handler) {
    this.handler = Objects.requireNonNull(handler, "asyncHandler cannot be null");
    return this;
  }

  /**
   * A batch handler: every record of the event that could be resolved, at once, with an outcome per
   * message. On a FIFO queue the report keeps each group's order: after a failed record, its
   * group's later records are reported failed too (they may have run: at-least-once).
   */
  public LambdaConsumerBuilder batchHandler(BatchMessageHandler batchHandler) {
    this.batchHandler = Objects.requireNonNull(batchHandler, "batchHandler cannot be null");
    return this;
  }

  /**
   * Where offloaded payloads are read (an {@code S3PayloadStore}, {@code DynamoDbPayloadStore} or
   * {@code TieredPayloadStore}, with its allow-list). Without one, an offloaded record fails.
   */
  public LambdaConsumerBuilder payloadStore(PayloadStore payloadStore) {
    this.payloadStore = payloadStore;
    return this;
  }

  /**
   * Delete a record's payload after it was handled (default false). Leave it off when other
   * consumers may still need the payload — an SNS fan-out, a replay — and let the bucket's
   * lifecycle rule or the table's TTL remove it; turn it on for a queue this function alone
   * consumes, to pay for storage only while a message is in flight. Needs {@code sqsClient}: the
   * function deletes a handled offloaded record from SQS itself and deletes its payload only once
   * SQS confirmed that delete — so an invocation that then times out (and whose batch Lambda
   * retries) never leaves a record pointing to a deleted payload.
   */
  public LambdaConsumerBuilder deletePayloads(boolean deletePayloads) {
    this.deletePayloads = deletePayloads;
    return this;
  }

  /**
   * Unwrap SNS envelopes (default false), for a queue subscribed to an SNS topic without raw
   * message delivery: the handler gets the message as its publisher sent it (body and attributes, a
   * pointer inside resolved with the {@code payloadStore}), with {@code snsTopicArn()} and {@code
   * snsMessageId()}. Such a payload is never deleted, even with {@code deletePayloads}: other
   * subscriptions read it too. An envelope that cannot be unwrapped is a non-retryable failure
   * ({@code SnsEnvelopeException}).
   */
  public LambdaConsumerBuilder snsEnvelopes(boolean snsEnvelopes) {
    this.snsEnvelopes = snsEnvelopes;
    return this;
  }

  /**
   * A client for SQS (not closed by the consumer): reads the queue's URL, visibility timeout and
   * redrive policy once (the cold-start check) and sends dead letters. Optional.
   */
  public LambdaConsumerBuilder sqsClient(SqsClient sqs) {
    this.sqs = sqs;
    return this;
  }

  /**
   * Send non-retryable failures here at once, with sqsx's reason attributes, and report them done;
   * needs {@link #sqsClient}. Without it, they are reported failed and reach the queue's own DLQ
   * after {@code maxReceiveCount} receives.
   */
  public LambdaConsumerBuilder deadLetterQueueUrl(String deadLetterQueueUrl) {
    this.deadLetterQueueUrl = deadLetterQueueUrl;
    return this;
  }

  /**
   * Which failures are not retried (checked on the error and its causes). {@code
   * NonRetryableException} always is. Default: also a payload pointer that is malformed, not
   * allowed (or too large), or fails its integrity check.
   */
  public LambdaConsumerBuilder nonRetryable(Predicate<Throwable> nonRetryable) {
    this.nonRetryable = Objects.requireNonNull(nonRetryable, "nonRetryable cannot be null");
    return this;
  }

  /** Records (FIFO: groups) handled at once: 1..1,000, default 10. */
  public LambdaConsumerBuilder concurrency(int concurrency) {
    this.concurrency = concurrency;
    return this;
  }

  /**
   * A record not started this long before the invocation's end is reported failed instead of run:
   * 0..60 s, default 1 s.
   */
  public LambdaConsumerBuilder timeoutMargin(Duration timeoutMargin) {
    this.timeoutMargin = timeoutMargin;
    return this;
  }

  /**
   * The queue's visibility timeout, for the cold-start check when the function has no {@link
   * #sqsClient} (or may not call {@code GetQueueAttributes}).
   */
  public LambdaConsumerBuilder visibilityTimeout(Duration visibilityTimeout) {
    this.visibilityTimeout = visibilityTimeout;
    return this;
  }

  /**
   * The queue's {@code maxReceiveCount}, for {@code ReceivedMessage.isLastAttempt()} when the
   * function cannot read the redrive policy: 1..1,000.
   */
  public LambdaConsumerBuilder maxReceiveCount(int maxReceiveCount) {
    this.maxReceiveCount = maxReceiveCount;
    return this;
  }

  /**
   * Validates and builds the consumer.
   *
   * @throws IllegalArgumentException naming the option and the rule when one is invalid
   */
  public LambdaConsumer build() {
    if ((handler == null) == (batchHandler == null)) {
      throw new IllegalArgumentException(
          "exactly one of handler, asyncHandler and batchHandler must be set");
    }
    if (concurrency < 1 || concurrency > 1_000) {
      throw new IllegalArgumentException("concurrency must be 1..1000, was " + concurrency);
    }
    if (timeoutMargin == null
        || timeoutMargin.isNegative()
        || timeoutMargin.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new IllegalArgumentException("timeoutMargin must be 0..60 s, was " + timeoutMargin);
    }
    if (deadLetterQueueUrl != null && sqs == null) {
      throw new IllegalArgumentException(
          "deadLetterQueueUrl needs sqsClient: the dead letters are sent with it");
    }
    if (deletePayloads && sqs == null) {
      throw new IllegalArgumentException(
          "deletePayloads needs sqsClient: a payload is deleted only after SQS confirmed the delete"
              + " of its message, which the function makes with it");
    }
    if (visibilityTimeout != null
        && (visibilityTimeout.isNegative() || visibilityTimeout.toSeconds() > 43_200)) {
      throw new IllegalArgumentException(
          "visibilityTimeout must be 0..43200 s (the SQS limit), was " + visibilityTimeout);
    }
    if (maxReceiveCount != null && (maxReceiveCount < 1 || maxReceiveCount > 1_000)) {
      throw new IllegalArgumentException("maxReceiveCount must be 1..1000, was " + maxReceiveCount);
    }
    return new LambdaConsumer(
        new LambdaConfig(
            handler,
            batchHandler,
            payloadStore,
            deletePayloads,
            snsEnvelopes,
            sqs,
            deadLetterQueueUrl,
            NonRetryableException.orAnyCause(nonRetryable),
            concurrency,
            timeoutMargin,
            visibilityTimeout,
            maxReceiveCount));
  }
}
