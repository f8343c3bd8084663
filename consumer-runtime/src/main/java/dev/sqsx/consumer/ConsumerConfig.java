/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The validated, immutable options of one consumer, as {@link SqsConsumerBuilder#build()} froze
 * them (see the builder for each option's meaning and range). {@code handler} is null for a batch
 * consumer and {@code batchHandler} otherwise; {@code visibilityTimeout}, {@code
 * acknowledgementInterval}, {@code deadLetterQueueUrl}, {@code circuitBreaker}, {@code
 * rateLimiter}, {@code payloadFailures}, {@code executor} and {@code meterRegistry} are null when
 * not set; {@code observer} is {@link MessageObserver#NONE} when not set. With a synchronous
 * client, {@code sqs} is it adapted and {@code blockingIo} the consumer's pool its calls run on
 * (else null); {@code client} is the client object the user passed (async or sync), whose long-poll
 * budget the consumer shares. The resilience4j and Micrometer types are optional dependencies: only
 * a consumer given one loads it.
 */
record ConsumerConfig(
    SqsAsyncClient sqs,
    Object client,
    int maxLongPolls,
    java.util.concurrent.ExecutorService blockingIo,
    String queueUrl,
    AsyncMessageHandler handler,
    BatchMessageHandler batchHandler,
    int concurrency,
    int prefetch,
    long prefetchBytes,
    int maxInFlightPerGroup,
    int tenantMetrics,
    Duration tenantMetricsRefresh,
    Duration waitTime,
    Duration visibilityTimeout,
    Duration maxProcessingTime,
    Duration shutdownTimeout,
    Duration acknowledgementInterval,
    RetryPolicy retryPolicy,
    Predicate<Throwable> nonRetryable,
    String deadLetterQueueUrl,
    io.github.resilience4j.circuitbreaker.CircuitBreaker circuitBreaker,
    io.github.resilience4j.ratelimiter.RateLimiter rateLimiter,
    PayloadFailureBridge payloadFailures,
    Duration queueAttributesRefresh,
    Executor executor,
    boolean virtualThreads,
    io.micrometer.core.instrument.MeterRegistry meterRegistry,
    MessageObserver observer,
    Clock clock) {

  /**
   * The prefetch when none is set: one receive of 10 in flight per handler, up to {@value
   * #MAX_DEFAULT_RECEIVES} receives (what a hand-written loop with {@code concurrency} threads
   * holds), at least 10; for a batch handler, whose slots hold 10 each already, 10.
   */
  static int defaultPrefetch(int concurrency, boolean batchHandler) {
    return batchHandler
        ? 10
        : Math.max(10, 10 * Math.min(concurrency, MAX_DEFAULT_RECEIVES) - concurrency);
  }

  /** The most receives the default prefetch keeps in flight (and the most poll loops). */
  static final int MAX_DEFAULT_RECEIVES = 32;

  /** Handlers (or, for a batch handler, messages) held at once: running plus prefetched. */
  int held() {
    return (batchHandler != null ? concurrency * 10 : concurrency) + prefetch;
  }

  /** Only the queue: the other components are clients, handlers and optional-dependency types. */
  @Override
  public String toString() {
    return "ConsumerConfig[" + queueUrl + "]";
  }
}
