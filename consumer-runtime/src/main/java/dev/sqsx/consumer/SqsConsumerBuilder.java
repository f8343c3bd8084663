/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import dev.sqsx.consumer.internal.BlockingSqs;
import dev.sqsx.consumer.internal.MonotonicClock;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Builds an {@link SqsConsumer}; not thread-safe. */
// resilience4j and Micrometer are optional dependencies (requires static): their types here are for
// those who pass one.
@SuppressWarnings("exports")
public final class SqsConsumerBuilder {

  private static final long DEFAULT_PREFETCH_BYTES = 64L << 20;

  private SqsAsyncClient sqs;
  private SqsClient blockingSqs;
  private String queueUrl;
  private AsyncMessageHandler handler;
  private int concurrency = 10;
  private int maxLongPolls = 40;
  private Integer prefetch;
  private long prefetchBytes = DEFAULT_PREFETCH_BYTES;
  private int maxInFlightPerGroup;
  private int tenantMetrics = 10;
  private Duration tenantMetricsRefresh = Duration.ofSeconds(10);
  private Duration waitTime = Duration.ofSeconds(20);
  private Duration visibilityTimeout;
  private Duration maxProcessingTime = Duration.ofMinutes(30);
  private Duration shutdownTimeout = Duration.ofSeconds(30);
  private Duration acknowledgementInterval;
  private BatchMessageHandler batchHandler;
  private RetryPolicy retryPolicy = RetryPolicy.exponential();
  private Predicate<Throwable> nonRetryable = NonRetryableException::isNonRetryableByDefault;
  private String deadLetterQueueUrl;
  private io.github.resilience4j.circuitbreaker.CircuitBreaker circuitBreaker;
  private io.github.resilience4j.ratelimiter.RateLimiter rateLimiter;
  private PayloadFailureBridge payloadFailures;
  private Duration queueAttributesRefresh = Duration.ofMinutes(5);
  private java.util.concurrent.Executor executor;
  private boolean virtualThreads;
  private io.micrometer.core.instrument.MeterRegistry meterRegistry;
  private MessageObserver observer = MessageObserver.NONE;
  private Clock clock = MonotonicClock.start();

  SqsConsumerBuilder() {}

  /**
   * The client to poll with: a plain {@code SqsAsyncClient} or an {@code SqsExtendedAsyncClient}
   * (large payloads are then resolved before the handler sees them). Not closed by the consumer.
   */
  public SqsConsumerBuilder sqsClient(SqsAsyncClient sqs) {
    this.sqs = java.util.Objects.requireNonNull(sqs, "sqsClient cannot be null");
    this.blockingSqs = null;
    return this;
  }

  /**
   * The client to poll with, synchronous: a plain {@code SqsClient} (with, say, the Apache HTTP
   * client, the SDK's cheapest per request) or an {@code SqsExtendedClient}. Its calls run on a
   * pool of I/O threads the consumer owns (a long poll holds one, as a hand-written loop's receive
   * holds its thread) and ends on {@link SqsConsumer#close()}. The same consumer as with an {@code
   * SqsAsyncClient} in every other respect. Not closed by the consumer.
   */
  public SqsConsumerBuilder sqsClient(SqsClient sqs) {
    this.blockingSqs = java.util.Objects.requireNonNull(sqs, "sqsClient cannot be null");
    this.sqs = null;
    return this;
  }

  /** The queue to consume. Required. */
  public SqsConsumerBuilder queueUrl(String queueUrl) {
    this.queueUrl = queueUrl;
    return this;
  }

  /** A blocking handler, run on the handler executor. One of the two handler shapes is required. */
  public SqsConsumerBuilder handler(MessageHandler handler) {
    java.util.Objects.requireNonNull(handler, "handler cannot be null");
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

  /** A non-blocking handler. One of the two handler shapes is required. */
  public SqsConsumerBuilder asyncHandler(AsyncMessageHandler handler) {
    this.handler = java.util.Objects.requireNonNull(handler, "asyncHandler cannot be null");
    return this;
  }

  /**
   * A batch handler: the messages of one receive (up to 10) at once, an outcome per message.
   * Concurrency then counts batches. Not for FIFO queues. One of the handler shapes is required.
   */
  public SqsConsumerBuilder batchHandler(BatchMessageHandler batchHandler) {
    this.batchHandler =
        java.util.Objects.requireNonNull(batchHandler, "batchHandler cannot be null");
    return this;
  }

  /**
   * How long a failed message waits before its next attempt (applied with {@code
   * ChangeMessageVisibility}). Default {@link RetryPolicy#exponential()}.
   */
  public SqsConsumerBuilder retryPolicy(RetryPolicy retryPolicy) {
    this.retryPolicy = java.util.Objects.requireNonNull(retryPolicy, "retryPolicy cannot be null");
    return this;
  }

  /**
   * Which failures go to the dead-letter queue at once instead of being retried (checked on the
   * error and its causes). {@link NonRetryableException} always does. Default: also a payload
   * pointer that is malformed, not allowed, or fails its integrity check.
   */
  public SqsConsumerBuilder nonRetryable(Predicate<Throwable> nonRetryable) {
    this.nonRetryable =
        java.util.Objects.requireNonNull(nonRetryable, "nonRetryable cannot be null");
    return this;
  }

  /**
   * The dead-letter queue sqsx sends failed messages to, with their reason. Default: the one the
   * queue's redrive policy names; without either, failed messages are left to SQS retention.
   */
  public SqsConsumerBuilder deadLetterQueueUrl(String deadLetterQueueUrl) {
    this.deadLetterQueueUrl = deadLetterQueueUrl;
    return this;
  }

  /**
   * A resilience4j circuit breaker around the handler. While it is open the consumer stops polling,
   * and messages it already holds are put back for the breaker's wait, so an outage does not spend
   * their receive counts. Its own configuration decides which exceptions count. Needs
   * resilience4j-circuitbreaker on the classpath.
   */
  public SqsConsumerBuilder circuitBreaker(
      io.github.resilience4j.circuitbreaker.CircuitBreaker circuitBreaker) {
    this.circuitBreaker = circuitBreaker;
    return this;
  }

  /**
   * A resilience4j rate limiter on handler starts: a start waits for a permission up to the
   * limiter's timeout, and a message that gets none is put back for a second. Needs
   * resilience4j-ratelimiter on the classpath.
   */
  public SqsConsumerBuilder rateLimiter(
      io.github.resilience4j.ratelimiter.RateLimiter rateLimiter) {
    this.rateLimiter = rateLimiter;
    return this;
  }

  /**
   * Routes the extended client's payload resolution failures of this consumer's receives into this
   * consumer's retry and dead-letter policy (each receive request carries the consumer's listener);
   * give the same bridge to the extended client as its {@code resolutionListener} to log them.
   */
  public SqsConsumerBuilder payloadFailures(PayloadFailureBridge payloadFailures) {
    this.payloadFailures = payloadFailures;
    return this;
  }

  /**
   * How often the queue's attributes (redrive policy, DLQ) are read again: zero (never) or 1 s..24
   * h, default 5 minutes. A changed policy applies to the next failures, as a whole once its DLQ
   * can be found: until then the last policy stays, and each refresh looks again.
   */
  public SqsConsumerBuilder queueAttributesRefresh(Duration queueAttributesRefresh) {
    this.queueAttributesRefresh = queueAttributesRefresh;
    return this;
  }

  /** Messages handled at once: 1..10,000, default 10. */
  public SqsConsumerBuilder concurrency(int concurrency) {
    this.concurrency = concurrency;
    return this;
  }

  /**
   * Messages received ahead of a free handler slot (held under the heartbeat while they wait):
   * 0..1,000. By default as many as keep one receive of 10 in flight per handler, up to 32 receives
   * — what a hand-written loop with {@code concurrency} threads holds — so short handlers are not
   * left waiting for a receive's round trip: {@code max(10, 10 × min(concurrency, 32) −
   * concurrency)} (for a batch handler, 10). Bounded in memory by {@link #prefetchBytes}.
   */
  public SqsConsumerBuilder prefetch(int prefetch) {
    this.prefetch = prefetch;
    return this;
  }

  /**
   * A per-tenant cap for standard queues whose senders set a {@code MessageGroupId} (SQS fair
   * queues, where the group names a tenant): a group never holds more than {@code n} of the handler
   * slots (for a batch handler, {@code n} messages in running batches). Its further messages wait
   * in line — held under the heartbeat like any prefetched message, handled once when one of the
   * group's runs ends, released unhandled (visibility 0) on shutdown — while other groups' messages
   * take the free slots. Messages without a group are not capped. While they wait, up to {@code 10
   * × concurrency} of them give their prefetch place back, so the consumer goes on receiving other
   * tenants' messages behind a flood. 1..10,000; not set by default (no cap). A FIFO queue refuses
   * it at {@code start()} (it already runs one message per group at a time).
   */
  public SqsConsumerBuilder maxInFlightPerGroup(int n) {
    range("maxInFlightPerGroup", n, 1, 10_000, "handler slots one message group may hold");
    this.maxInFlightPerGroup = n;
    return this;
  }

  /**
   * How many tenants the per-tenant meters name on a standard queue whose senders set a {@code
   * MessageGroupId} (SQS fair queues): the gauge {@code sqsx.consumer.tenant.in.flight} (messages
   * held: waiting, running or waiting for their delete) and the timer {@code
   * sqsx.consumer.tenant.processing} (handler time), tagged {@code queue} and {@code tenant}. At
   * most {@code top} tenants are named — the busiest by messages held and by recent handler time,
   * taken alternately — and every other tenant is summed under {@code tenant=other}, so each meter
   * has at most {@code top + 1} tag values however many tenants appear. The top is recomputed every
   * {@link #tenantMetricsRefresh}; a tenant that leaves it has its meters removed from the registry
   * (a timer's history restarts if it comes back). {@link SqsConsumer#tenants()} reports the same
   * figures without a registry. 0 turns per-tenant tracking off; 0..1,000, default 10. Not on FIFO
   * queues (there a group orders messages, it does not name a tenant).
   */
  public SqsConsumerBuilder tenantMetrics(int top) {
    range("tenantMetrics", top, 0, 1_000, "tenants named in the per-tenant meters");
    this.tenantMetrics = top;
    return this;
  }

  /**
   * How often the top tenants of {@link #tenantMetrics} are recomputed, and the half-life of the
   * handler time they are ranked by: at each refresh every tenant's handler time is halved, then
   * the time of the interval just ended added. PT1S..PT1H, default 10 s.
   */
  public SqsConsumerBuilder tenantMetricsRefresh(Duration refresh) {
    within(
        "tenantMetricsRefresh",
        refresh,
        Duration.ofSeconds(1),
        Duration.ofHours(1),
        "how often the top tenants are recomputed");
    this.tenantMetricsRefresh = refresh;
    return this;
  }

  /**
   * The most body a consumer holds in messages waiting for a handler (prefetched, not running),
   * counted in characters of the (resolved) bodies: while the waiting messages hold this much, no
   * receive is sent. Default 64 MiB; at least 1 KiB. So prefetching large resolved payloads (an
   * extended client as the SQS client) stays bounded: at most this plus one receive's messages
   * wait, whatever {@link #prefetch} allows.
   */
  public SqsConsumerBuilder prefetchBytes(long prefetchBytes) {
    this.prefetchBytes = prefetchBytes;
    return this;
  }

  /**
   * The most receives open at once on the SQS client this consumer uses, counted together with
   * every other consumer on the same client object: 1..10,000, default 40 (the SDK's default HTTP
   * clients keep 50 connections; the rest serve deletes, visibility changes and start-up calls).
   * Each consumer keeps one long poll open while it runs; its other poll loops open receives only
   * while the budget has room. {@code start()} fails when the consumers already running on the
   * client fill it. Raise it together with the HTTP client's connection limit.
   */
  public SqsConsumerBuilder maxLongPolls(int maxLongPolls) {
    this.maxLongPolls = maxLongPolls;
    return this;
  }

  /** Long-poll wait of each receive: whole seconds 0..20, default 20. */
  public SqsConsumerBuilder waitTime(Duration waitTime) {
    this.waitTime = waitTime;
    return this;
  }

  /**
   * Visibility timeout asked for on receive and on each extension: whole seconds 1..43,200.
   * Default: the queue's own {@code VisibilityTimeout}.
   */
  public SqsConsumerBuilder visibilityTimeout(Duration visibilityTimeout) {
    this.visibilityTimeout = visibilityTimeout;
    return this;
  }

  /**
   * How long after receive the consumer keeps extending a message's visibility: 1 s..12 h, default
   * 30 minutes. After it, the message is redelivered even if its handler still runs.
   */
  public SqsConsumerBuilder maxProcessingTime(Duration maxProcessingTime) {
    this.maxProcessingTime = maxProcessingTime;
    return this;
  }

  /** How long {@code close()} waits for running handlers: 0..1 h, default 30 s. */
  public SqsConsumerBuilder shutdownTimeout(Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
    return this;
  }

  /**
   * Longest wait before a partial delete batch is sent: 0..60 s, default 1 s (100 ms on FIFO
   * queues, where a group's next message waits for the delete). A batch of 10 goes at once, and so
   * does one whose visibility deadline is near.
   */
  public SqsConsumerBuilder acknowledgementInterval(Duration acknowledgementInterval) {
    this.acknowledgementInterval = acknowledgementInterval;
    return this;
  }

  /**
   * The executor handlers run on (not shut down by the consumer). Default: a pool of {@code
   * concurrency} threads owned by the consumer.
   */
  public SqsConsumerBuilder executor(java.util.concurrent.Executor executor) {
    this.executor = executor;
    return this;
  }

  /** Run handlers on virtual threads (JDK 21+), still at most {@code concurrency} at once. */
  public SqsConsumerBuilder virtualThreads(boolean virtualThreads) {
    this.virtualThreads = virtualThreads;
    return this;
  }

  /**
   * Publishes {@code sqsx.consumer.*} meters (tagged with the queue name) to this registry.
   * Micrometer is an optional dependency, needed on the classpath only when this is called.
   */
  public SqsConsumerBuilder meterRegistry(
      io.micrometer.core.instrument.MeterRegistry meterRegistry) {
    this.meterRegistry = meterRegistry;
    return this;
  }

  /**
   * Watches each message from its handler's start to its settlement — tracing plugs in here (e.g.
   * {@code SqsxTracing} from {@code sqsx-tracing}). Default: none.
   */
  public SqsConsumerBuilder observer(MessageObserver observer) {
    this.observer = java.util.Objects.requireNonNull(observer, "observer cannot be null");
    return this;
  }

  /**
   * The clock leases, heartbeats, delete deadlines and backoffs are computed with (for tests).
   * Default: a monotonic clock (wall time at start, then {@code System.nanoTime()}), so a
   * wall-clock step cannot abandon a lease or skip an extension.
   */
  public SqsConsumerBuilder clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /**
   * Validates and builds the consumer (it does not start it).
   *
   * @throws IllegalArgumentException naming the option, the value and the rule when one is invalid
   */
  public SqsConsumer build() {
    if (sqs == null && blockingSqs == null) {
      throw new NullPointerException("sqsClient cannot be null");
    }
    if (queueUrl == null || queueUrl.isBlank()) {
      throw new IllegalArgumentException("queueUrl must be set, was '" + queueUrl + "'");
    }
    if ((handler == null) == (batchHandler == null)) {
      throw new IllegalArgumentException(
          "exactly one of handler, asyncHandler and batchHandler must be set");
    }
    range("concurrency", concurrency, 1, 10_000, "handlers at once");
    range(
        "maxLongPolls",
        maxLongPolls,
        1,
        10_000,
        "receives open at once on one SQS client, within its HTTP connection limit");
    int effectivePrefetch =
        prefetch != null
            ? prefetch
            : ConsumerConfig.defaultPrefetch(concurrency, batchHandler != null);
    range("prefetch", effectivePrefetch, 0, 1_000, "messages held ahead of a free slot");
    if (prefetchBytes < 1024) {
      throw new IllegalArgumentException(
          "prefetchBytes must be at least 1024 (the body held by waiting messages), was "
              + prefetchBytes);
    }
    seconds("waitTime", waitTime, 0, 20, "the SQS long-poll limit");
    if (visibilityTimeout != null) {
      seconds("visibilityTimeout", visibilityTimeout, 1, 43_200, "the SQS visibility limit");
    }
    within(
        "maxProcessingTime",
        maxProcessingTime,
        Duration.ofSeconds(1),
        Duration.ofHours(12),
        "SQS keeps a message invisible for at most 12 hours");
    within(
        "shutdownTimeout",
        shutdownTimeout,
        Duration.ZERO,
        Duration.ofHours(1),
        "a bounded shutdown");
    if (acknowledgementInterval != null) {
      within(
          "acknowledgementInterval",
          acknowledgementInterval,
          Duration.ZERO,
          Duration.ofSeconds(60),
          "deletes must not wait past visibility deadlines");
    }
    if (queueAttributesRefresh == null
        || (!queueAttributesRefresh.isZero()
            && (queueAttributesRefresh.compareTo(Duration.ofSeconds(1)) < 0
                || queueAttributesRefresh.compareTo(Duration.ofHours(24)) > 0))) {
      throw new IllegalArgumentException(
          "queueAttributesRefresh must be zero (never) or PT1S..PT24H, was "
              + queueAttributesRefresh);
    }
    if (virtualThreads && executor != null) {
      throw new IllegalArgumentException("set executor or virtualThreads, not both");
    }
    if (virtualThreads && !Threads.virtualAvailable()) {
      throw new IllegalArgumentException(
          "virtualThreads needs JDK 21 or newer, this is " + Runtime.version());
    }
    java.util.Objects.requireNonNull(clock, "clock cannot be null");
    // A cached pool makes its threads when calls come: none before start(), none after close().
    ExecutorService io =
        blockingSqs == null
            ? null
            : Executors.newCachedThreadPool(Threads.daemons("sqsx-consumer-io"));
    return new SqsConsumer(
        new ConsumerConfig(
            io == null ? sqs : new BlockingSqs(blockingSqs, io),
            io == null ? sqs : blockingSqs,
            maxLongPolls,
            io,
            queueUrl,
            handler,
            batchHandler,
            concurrency,
            effectivePrefetch,
            prefetchBytes,
            maxInFlightPerGroup,
            tenantMetrics,
            tenantMetricsRefresh,
            waitTime,
            visibilityTimeout,
            maxProcessingTime,
            shutdownTimeout,
            acknowledgementInterval,
            retryPolicy,
            NonRetryableException.orAnyCause(nonRetryable),
            deadLetterQueueUrl,
            circuitBreaker,
            rateLimiter,
            payloadFailures,
            queueAttributesRefresh,
            executor,
            virtualThreads,
            meterRegistry,
            observer,
            clock));
  }

  private static void range(String name, int value, int min, int max, String why) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be " + min + ".." + max + " (" + why + "), was " + value);
    }
  }

  private static void seconds(String name, Duration value, int min, int max, String why) {
    if (value == null
        || value.toMillisPart() != 0
        || value.toNanosPart() % 1_000_000 != 0
        || value.toSeconds() < min
        || value.toSeconds() > max) {
      throw new IllegalArgumentException(
          name + " must be whole seconds " + min + ".." + max + " (" + why + "), was " + value);
    }
  }

  private static void within(String name, Duration value, Duration min, Duration max, String why) {
    if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          name + " must be " + min + ".." + max + " (" + why + "), was " + value);
    }
  }
}
