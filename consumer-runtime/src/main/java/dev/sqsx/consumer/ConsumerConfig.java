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
 * not set. The resilience4j and Micrometer types are optional dependencies: only a consumer given
 * one loads it.
 */
record ConsumerConfig(
    SqsAsyncClient sqs,
    String queueUrl,
    AsyncMessageHandler handler,
    BatchMessageHandler batchHandler,
    int concurrency,
    int prefetch,
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
    Clock clock) {

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
