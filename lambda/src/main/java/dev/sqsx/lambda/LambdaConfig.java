/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.lambda;

import dev.sqsx.consumer.AsyncMessageHandler;
import dev.sqsx.consumer.BatchMessageHandler;
import dev.sqsx.extended.PayloadStore;
import java.time.Duration;
import java.util.function.Predicate;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The validated, immutable options of a {@link LambdaConsumer} (see {@link LambdaConsumerBuilder}
 * for each one's meaning). {@code handler} or {@code batchHandler} is null; {@code payloadStore},
 * {@code sqs}, {@code deadLetterQueueUrl}, {@code visibilityTimeout} and {@code maxReceiveCount}
 * are null when not set.
 */
record LambdaConfig(
    AsyncMessageHandler handler,
    BatchMessageHandler batchHandler,
    PayloadStore payloadStore,
    boolean deletePayloads,
    boolean snsEnvelopes,
    SqsClient sqs,
    String deadLetterQueueUrl,
    Predicate<Throwable> nonRetryable,
    int concurrency,
    Duration timeoutMargin,
    Duration visibilityTimeout,
    Integer maxReceiveCount) {}
