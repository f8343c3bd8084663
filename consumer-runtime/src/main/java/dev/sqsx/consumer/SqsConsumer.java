/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import dev.sqsx.consumer.internal.Backoff;
import dev.sqsx.consumer.internal.ConsumerEffects;
import dev.sqsx.consumer.internal.Counters;
import dev.sqsx.consumer.internal.DeadLetters;
import dev.sqsx.consumer.internal.DeleteBatcher;
import dev.sqsx.consumer.internal.Dispatcher;
import dev.sqsx.consumer.internal.HandlerGate;
import dev.sqsx.consumer.internal.Handlers;
import dev.sqsx.consumer.internal.LongPollBudget;
import dev.sqsx.consumer.internal.MetricsSink;
import dev.sqsx.consumer.internal.MicrometerSink;
import dev.sqsx.consumer.internal.Permits;
import dev.sqsx.consumer.internal.Poller;
import dev.sqsx.consumer.internal.QueueSettings;
import dev.sqsx.consumer.internal.ReceiveHealth;
import dev.sqsx.consumer.internal.Resilience4jGate;
import dev.sqsx.consumer.internal.VisibilityChanger;
import dev.sqsx.consumer.internal.VisibilityHeartbeat;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * Runs a handler over an SQS queue: long polling with backpressure, visibility heartbeats, batched
 * deletes and graceful shutdown.
 *
 * <pre>{@code
 * SqsConsumer consumer = SqsConsumer.builder()
 *     .sqsClient(sqsAsyncClient)          // a plain one or SqsExtendedAsyncClient
 *     .queueUrl(url)
 *     .handler(message -> process(message.body()))
 *     .concurrency(32)
 *     .build();
 * consumer.start();
 * ...
 * consumer.close();                       // graceful shutdown
 * }</pre>
 *
 * <p>A message whose handler returns is deleted (in batches of up to 10); one whose handler throws
 * is left in the queue and comes back when its visibility ends. While a message is held — waiting
 * for a handler slot, running, or waiting for its delete — its visibility is extended before it
 * runs out, up to the maximum processing time. On {@link #close()}: polling stops; an open long
 * poll is awaited (SQS answers it whether or not it is cancelled) and whatever it returns is made
 * visible again; messages not yet started are made visible again at once; running handlers are
 * given the shutdown timeout to finish (still heartbeated); deletes are flushed; a one-line summary
 * is logged.
 *
 * <p>Thread-safe. The SQS client and a handler executor passed in are never closed by the consumer.
 * Logs carry queue URL and message id, never a body.
 */
public final class SqsConsumer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SqsConsumer.class);
  private static final Duration DEFAULT_ACKNOWLEDGEMENT_INTERVAL = Duration.ofSeconds(1);
  private static final Duration FIFO_ACKNOWLEDGEMENT_INTERVAL = Duration.ofMillis(100);

  /**
   * How long a poll of a saturated consumer waits for a full batch of 10 free permits before taking
   * fewer. Only with a prefetch of 10 or more: then fewer than 10 free permits means messages are
   * still waiting for a handler, so the wait never starves the handlers; it saves receives.
   */
  private static final long BATCH_FILL_WAIT_MILLIS = 500;

  /** The least time close() gives its last requests (deletes, dead letters, retry delays). */
  private static final Duration FLUSH_MARGIN = Duration.ofSeconds(5);

  /** How long past its wait time close() waits for an open long poll to answer. */
  private static final Duration POLL_ANSWER_MARGIN = Duration.ofSeconds(5);

  private final ConsumerConfig config;
  private final Counters counters;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

  /** start() and close() run one at a time: a close() during start() waits, then closes. */
  private final Object lifecycle = new Object();

  private ScheduledExecutorService scheduler;
  private ExecutorService ownExecutor;
  private VisibilityHeartbeat heartbeat;
  private DeleteBatcher deletes;
  private Dispatcher dispatcher;
  private Poller poller;
  private final QueueWatch queue;
  private ConsumerEffects settlementEffects;
  private int visibilitySeconds;
  private volatile LongPollBudget budget;
  private final java.util.concurrent.atomic.AtomicBoolean leftBudget =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final ReceiveHealth receiveHealth = new ReceiveHealth();

  private enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  SqsConsumer(ConsumerConfig config) {
    this.config = config;
    this.counters =
        new Counters(
            config.meterRegistry() == null
                ? MetricsSink.none()
                : new MicrometerSink(config.meterRegistry(), config.queueUrl()));
    this.queue = new QueueWatch(config, counters);
  }

  /** A builder; {@code sqsClient}, {@code queueUrl} and a handler are required. */
  public static SqsConsumerBuilder builder() {
    return new SqsConsumerBuilder();
  }

  /**
   * Reads the queue's settings (one {@code GetQueueAttributes}) and starts polling. Call once. Safe
   * from any thread: a {@link #close()} called meanwhile waits until the start is done, then
   * closes.
   *
   * @throws ConsumerException when the queue's attributes cannot be read, or when the consumers
   *     already running on this SQS client fill its long-poll budget ({@code maxLongPolls}: the
   *     message says which limits to raise)
   * @throws IllegalStateException when already started or closed
   */
  public void start() {
    synchronized (lifecycle) {
      startLocked();
    }
  }

  private void startLocked() {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException(
          "consumer of "
              + config.queueUrl()
              + (state.get() == State.CLOSED ? " was closed" : " was already started"));
    }
    try {
      joinBudget();
      QueueSettings settings = queue.start();
      String dlqUrl = queue.deadLetterQueueUrl();
      queue.checkPlan(dlqUrl);
      int visibilitySeconds =
          config.visibilityTimeout() != null
              ? (int) config.visibilityTimeout().toSeconds()
              : settings.visibilityTimeoutSeconds();
      if (visibilitySeconds < 1) {
        throw new ConsumerException(
            "queue "
                + config.queueUrl()
                + " has a visibility timeout of 0 s: set visibilityTimeout on the consumer, at least"
                + " 1 s");
      }
      this.visibilitySeconds = visibilitySeconds;
      wire(visibilitySeconds, dlqUrl);
    } catch (RuntimeException e) {
      state.set(State.CLOSED);
      leaveBudget();
      counters.close();
      if (scheduler != null) {
        scheduler.shutdownNow();
      }
      if (config.blockingIo() != null) {
        config.blockingIo().shutdownNow();
      }
      throw e;
    }
  }

  /** Takes this consumer's long poll in its client's budget, or says which limit to raise. */
  private void joinBudget() {
    LongPollBudget shared = LongPollBudget.of(config.client());
    if (!shared.join(config.maxLongPolls())) {
      throw new ConsumerException(
          "cannot start the consumer of "
              + config.queueUrl()
              + ": its SQS client already serves "
              + shared.members()
              + " running consumer(s), each keeping a long poll open, and maxLongPolls is "
              + config.maxLongPolls()
              + ". Raise maxLongPolls (sqsx.consumer.max-long-polls in Spring Boot) together with"
              + " the HTTP client's max connections (the SDK's default Netty client has 50, its"
              + " Apache client 50), leaving room for deletes and visibility changes, or give some"
              + " consumers an SQS client of their own");
    }
    budget = shared;
  }

  /** Gives this consumer's place in its client's budget back, once. */
  private void leaveBudget() {
    LongPollBudget joined = budget;
    if (joined != null && leftBudget.compareAndSet(false, true)) {
      joined.leave();
    }
  }

  private void wire(int visibilitySeconds, String dlqUrl) {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(Threads.daemons("sqsx-consumer-scheduler"));
    boolean batch = config.batchHandler() != null;
    int permitCount =
        (batch ? config.concurrency() * 10 : config.concurrency()) + config.prefetch();
    Permits permits =
        new Permits(permitCount, scheduler, config.prefetch() >= 10 ? BATCH_FILL_WAIT_MILLIS : 0);
    VisibilityChanger visibility = new VisibilityChanger(config.sqs(), config.queueUrl());
    heartbeat =
        new VisibilityHeartbeat(
            visibility,
            config.queueUrl(),
            visibilitySeconds,
            config.maxProcessingTime(),
            counters,
            config.clock());
    Duration ackInterval =
        config.acknowledgementInterval() != null
            ? config.acknowledgementInterval()
            : queue.current().fifo()
                ? FIFO_ACKNOWLEDGEMENT_INTERVAL
                : DEFAULT_ACKNOWLEDGEMENT_INTERVAL;
    deletes =
        new DeleteBatcher(
            config.sqs(),
            config.queueUrl(),
            ackInterval,
            heartbeat,
            counters,
            scheduler,
            config.clock());
    HandlerGate gate =
        config.circuitBreaker() == null && config.rateLimiter() == null
            ? HandlerGate.open()
            : new Resilience4jGate(config.circuitBreaker(), config.rateLimiter());
    ConsumerEffects effects =
        settlementEffects =
            new ConsumerEffects(
                config.queueUrl(),
                heartbeat,
                visibility,
                deletes,
                new Backoff(visibility, config.queueUrl(), scheduler, config.clock()),
                dlqUrl == null
                    ? null
                    : new DeadLetters(
                        config.sqs(), config.queueUrl(), dlqUrl, queue.current().fifo(), counters),
                counters,
                permits);
    dispatcher =
        new Dispatcher(
            config.queueUrl(),
            new Handlers(config.handler(), config.batchHandler()),
            handlerExecutor(),
            config.concurrency(),
            queue.current().fifo(),
            config.maxInFlightPerGroup(),
            heartbeat,
            effects,
            config.retryPolicy(),
            config.nonRetryable(),
            gate,
            counters,
            config.clock(),
            visibilitySeconds,
            () -> queue.current().maxReceiveCount().orElse(null),
            config.maxProcessingTime(),
            config.observer(),
            scheduler);
    int held = (batch ? config.concurrency() * 10 : config.concurrency()) + config.prefetch();
    int loops = Math.max(1, Math.min(ConsumerConfig.MAX_DEFAULT_RECEIVES, (held + 9) / 10));
    poller =
        new Poller(
            config.sqs(),
            config.queueUrl(),
            (int) config.waitTime().toSeconds(),
            config.visibilityTimeout() == null ? null : visibilitySeconds,
            permits,
            dispatcher,
            gate,
            counters,
            scheduler,
            config.clock(),
            loops,
            config.prefetchBytes(),
            budget,
            config.maxLongPolls(),
            receiveHealth,
            receiveRequests());
    heartbeat.start(scheduler);
    Dispatcher nudged = dispatcher;
    var unused =
        scheduler.scheduleWithFixedDelay(
            () -> {
              try {
                nudged.nudge();
              } catch (RuntimeException e) {
                LOG.warn(
                    "waking a handler thread for {} failed: {}", config.queueUrl(), e.toString());
              }
            },
            Dispatcher.NUDGE_MILLIS,
            Dispatcher.NUDGE_MILLIS,
            TimeUnit.MILLISECONDS);
    queue.refreshEvery(scheduler, effects);
    trackTenants();
    poller.start();
    LOG.info(
        "consuming {}: concurrency {}{}, prefetch {}, 1 to {} poll loop(s), visibility {} s,"
            + " retry {}, DLQ {}",
        config.queueUrl(),
        config.concurrency(),
        batch ? " batches" : "",
        config.prefetch(),
        loops,
        visibilitySeconds,
        config.retryPolicy(),
        dlqUrl == null ? "none" : dlqUrl);
  }

  /** Per-tenant loads and meters on a standard queue, their top recomputed periodically. */
  private void trackTenants() {
    if (config.tenantMetrics() == 0 || queue.current().fifo()) {
      return;
    }
    counters.trackTenants(new dev.sqsx.consumer.internal.TenantLoads(config.tenantMetrics()));
    long every = config.tenantMetricsRefresh().toMillis();
    var unused =
        scheduler.scheduleWithFixedDelay(
            () -> {
              try {
                counters.refreshTenants();
              } catch (RuntimeException e) {
                LOG.warn(
                    "recomputing the top tenants of {} failed: {}",
                    config.queueUrl(),
                    e.toString());
              }
            },
            every,
            every,
            TimeUnit.MILLISECONDS);
  }

  /**
   * How this consumer's receive requests are marked: with a bridge, so that the extended client
   * reports their payload failures to this consumer ({@link #payloadFailed}).
   */
  private UnaryOperator<ReceiveMessageRequest> receiveRequests() {
    return config.payloadFailures() == null
        ? UnaryOperator.identity()
        : PayloadFailures.receivesOf(config.payloadFailures(), this);
  }

  private java.util.concurrent.Executor handlerExecutor() {
    if (config.executor() != null) {
      return config.executor();
    }
    ownExecutor =
        config.virtualThreads()
            ? Threads.newVirtualExecutor()
            : Executors.newFixedThreadPool(
                config.concurrency(), Threads.daemons("sqsx-consumer-handler"));
    return ownExecutor;
  }

  /**
   * Puts a message the extended client could not resolve through the failure policy, as if its
   * handler had failed with {@code error}. Called while the receive of this consumer that returned
   * the message is still in flight, so a FIFO group is held for that receive too.
   */
  void payloadFailed(software.amazon.awssdk.services.sqs.model.Message message, Throwable error) {
    if (state.get() != State.RUNNING) {
      return;
    }
    long now = config.clock().millis();
    dev.sqsx.consumer.internal.Lease lease =
        new dev.sqsx.consumer.internal.Lease(
            new ReceivedMessage(
                message, config.queueUrl(), queue.current().maxReceiveCount().orElse(null)),
            now,
            now + visibilitySeconds * 1000L);
    counters.payloadFailed();
    dispatcher.blockGroup(message, poller.receivesInFlight());
    lease.unhandled(config.observer(), error);
    dispatcher.unhandled(lease, error);
  }

  /** What this consumer knows of its queue, for tests in this package. */
  QueueWatch queueWatch() {
    return queue;
  }

  /** The queue this consumer reads. */
  public String queueUrl() {
    return config.queueUrl();
  }

  /** Whether the consumer is started and not closed. */
  public boolean isRunning() {
    return state.get() == State.RUNNING;
  }

  /**
   * Whether this consumer's receives are failing now: from its first failed receive until one
   * succeeds again, the count of failed receives in a row, since when, and the last error (never a
   * message body); empty while receives succeed (and before start). A failed receive is retried
   * with backoff and never stops the consumer, so {@link #isRunning()} stays true meanwhile: a
   * health check should look here too. The same count is the meter {@code
   * sqsx.consumer.receive.failures}.
   */
  public java.util.Optional<ReceiveFailures> failingReceives() {
    return receiveHealth.failing();
  }

  /** Counts since start. */
  public ConsumerStats stats() {
    return counters.snapshot();
  }

  /**
   * The load of the top tenants on this consumer of a standard queue (a message's {@code
   * MessageGroupId} names its tenant): the tenants the per-tenant meters name now, at most {@link
   * SqsConsumerBuilder#tenantMetrics tenantMetrics}, busiest first as of the last refresh, then one
   * entry {@link TenantStats#OTHER} summing every other tenant. Messages held are live; handler
   * times are as of the last refresh ({@link SqsConsumerBuilder#tenantMetricsRefresh}). Empty
   * before start, on a FIFO queue, or with {@code tenantMetrics(0)}.
   */
  public java.util.List<TenantStats> tenants() {
    return counters.tenants();
  }

  /**
   * Shuts down gracefully (see the class description) and returns when done, at the latest after
   * the longer of the shutdown timeout and the wait time plus 5 s, plus 5 s for the last requests
   * (deletes, dead letters, retry delays); what it could not finish is logged. When it returns, no
   * receive of this consumer can take a message any more. Idempotent; safe from any thread.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      closeLocked();
    }
  }

  private void closeLocked() {
    State previous = state.getAndSet(State.CLOSED);
    if (previous != State.RUNNING) {
      counters.close(); // never started (or closed already): no gauge counts it any more
      return;
    }
    queue.stop();
    long started = System.nanoTime();
    long deadline = started + config.shutdownTimeout().toNanos();
    // An open long poll is not cancelled (SQS would answer it anyway): it is awaited, and what it
    // returns is released, so no receive of this consumer can take messages after close().
    CompletableFuture<Void> polling = poller.stop();
    // its place in the client's long-poll budget is free once its last receive has answered
    var unused = polling.whenComplete((ended, error) -> leaveBudget());
    boolean finished = await(dispatcher.shutdown(), deadline, "waiting for running handlers");
    long pollDeadline =
        started
            + Math.max(
                config.shutdownTimeout().toNanos(),
                config.waitTime().plus(POLL_ANSWER_MARGIN).toNanos());
    if (await(polling, pollDeadline, "waiting for open long polls to answer")) {
      // here, not only in the callback above (which may run after close() returned): a consumer
      // started right after this close() finds the place free
      leaveBudget();
    } else {
      LOG.warn(
          "a long poll of {} did not answer within {} of close(): messages it returns stay"
              + " invisible until their visibility timeout ends",
          config.queueUrl(),
          config.waitTime().plus(POLL_ANSWER_MARGIN));
    }
    if (!finished) {
      LOG.warn(
          "{} handler(s) of {} still running after the shutdown timeout of {}: their messages will"
              + " be redelivered",
          dispatcher.running(),
          config.queueUrl(),
          config.shutdownTimeout());
    }
    // The rest of the shutdown budget, at least FLUSH_MARGIN: deletes, dead letters being sent and
    // retry delays are one request per 10 messages each.
    long flushDeadline = Math.max(deadline, System.nanoTime() + FLUSH_MARGIN.toNanos());
    if (!await(
        CompletableFuture.allOf(deletes.flushAll(), settlementEffects.settle()),
        flushDeadline,
        "flushing deletes, dead letters and retry delays")) {
      LOG.warn(
          "shutdown of {}: deletes, dead letters or retry delays still unanswered after the"
              + " shutdown budget; their messages will be redelivered",
          config.queueUrl());
    }
    heartbeat.stop();
    scheduler.shutdown();
    if (config.blockingIo() != null) {
      // after the flush: a long poll still open (past the shutdown budget) is interrupted
      config.blockingIo().shutdownNow();
    }
    if (ownExecutor != null) {
      if (finished) {
        ownExecutor.shutdown();
      } else {
        ownExecutor.shutdownNow();
      }
    }
    counters.close();
    LOG.info("stopped consuming {}: {}", config.queueUrl(), stats().summary());
  }

  private boolean await(CompletableFuture<Void> step, long deadlineNanos, String what) {
    try {
      step.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.warn("shutdown of {}: {} failed: {}", config.queueUrl(), what, e.getCause().toString());
      return false;
    }
  }
}
