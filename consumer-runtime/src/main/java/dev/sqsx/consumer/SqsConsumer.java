package dev.sqsx.consumer;

import dev.sqsx.consumer.internal.Backoff;
import dev.sqsx.consumer.internal.Counters;
import dev.sqsx.consumer.internal.DeadLetters;
import dev.sqsx.consumer.internal.DeleteBatcher;
import dev.sqsx.consumer.internal.Dispatcher;
import dev.sqsx.consumer.internal.HandlerGate;
import dev.sqsx.consumer.internal.MetricsSink;
import dev.sqsx.consumer.internal.MicrometerSink;
import dev.sqsx.consumer.internal.MonotonicClock;
import dev.sqsx.consumer.internal.Permits;
import dev.sqsx.consumer.internal.Poller;
import dev.sqsx.consumer.internal.QueueAttributes;
import dev.sqsx.consumer.internal.QueueSettings;
import dev.sqsx.consumer.internal.Resilience4jGate;
import dev.sqsx.consumer.internal.RetryingFailurePolicy;
import dev.sqsx.consumer.internal.VisibilityChanger;
import dev.sqsx.consumer.internal.VisibilityHeartbeat;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

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

  /**
   * Failures that are never retried by default, besides {@link NonRetryableException}: a payload
   * pointer that is malformed, names a container not allowed (or a payload over the size limit), or
   * fails its integrity check. Subclasses match too. Names, not classes: extended-client is an
   * optional dependency.
   */
  private static final Set<String> DEFAULT_NON_RETRYABLE =
      Set.of(
          "dev.sqsx.extended.MalformedPointerException",
          "dev.sqsx.extended.PayloadNotAllowedException",
          "dev.sqsx.extended.PayloadIntegrityException");

  /** Whether the error is, or extends, one of {@link #DEFAULT_NON_RETRYABLE}. */
  static boolean nonRetryableByDefault(Throwable error) {
    for (Class<?> type = error.getClass(); type != null; type = type.getSuperclass()) {
      if (DEFAULT_NON_RETRYABLE.contains(type.getName())) {
        return true;
      }
    }
    return false;
  }

  private final Builder config;
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
  private final QueueAttributes queueAttributes;
  private volatile QueueSettings queue;
  private java.util.concurrent.ScheduledFuture<?> refreshing;
  private RetryingFailurePolicy failurePolicy;
  private int visibilitySeconds;

  private enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  private SqsConsumer(Builder config) {
    this.config = config;
    this.queueAttributes = new QueueAttributes(config.sqs, config.queueUrl);
    this.counters =
        new Counters(
            config.meterRegistry == null
                ? MetricsSink.none()
                : new MicrometerSink(config.meterRegistry, config.queueUrl));
  }

  /** A builder; {@code sqsClient}, {@code queueUrl} and a handler are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the queue's settings (one {@code GetQueueAttributes}) and starts polling. Call once. Safe
   * from any thread: a {@link #close()} called meanwhile waits until the start is done, then
   * closes.
   *
   * @throws ConsumerException when the queue's attributes cannot be read
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
              + config.queueUrl
              + (state.get() == State.CLOSED ? " was closed" : " was already started"));
    }
    try {
      queue = readQueueSettings();
      String dlqUrl = deadLetterQueueUrl();
      checkPlan(dlqUrl);
      int visibilitySeconds =
          config.visibilityTimeout != null
              ? (int) config.visibilityTimeout.toSeconds()
              : queue.visibilityTimeoutSeconds();
      if (visibilitySeconds < 1) {
        throw new ConsumerException(
            "queue "
                + config.queueUrl
                + " has a visibility timeout of 0 s: set visibilityTimeout on the consumer, at least"
                + " 1 s");
      }
      this.visibilitySeconds = visibilitySeconds;
      wire(visibilitySeconds, dlqUrl);
      if (config.payloadFailures != null) {
        PayloadFailures.bind(config.payloadFailures, this);
      }
    } catch (RuntimeException e) {
      state.set(State.CLOSED);
      if (scheduler != null) {
        scheduler.shutdownNow();
      }
      throw e;
    }
  }

  private void wire(int visibilitySeconds, String dlqUrl) {
    scheduler = Executors.newSingleThreadScheduledExecutor(threads("sqsx-consumer-scheduler"));
    boolean batch = config.batchHandler != null;
    int permitCount = (batch ? config.concurrency * 10 : config.concurrency) + config.prefetch;
    Permits permits =
        new Permits(permitCount, scheduler, config.prefetch >= 10 ? BATCH_FILL_WAIT_MILLIS : 0);
    VisibilityChanger visibility = new VisibilityChanger(config.sqs, config.queueUrl);
    heartbeat =
        new VisibilityHeartbeat(
            visibility,
            config.queueUrl,
            visibilitySeconds,
            config.maxProcessingTime,
            counters,
            config.clock);
    Duration ackInterval =
        config.acknowledgementInterval != null
            ? config.acknowledgementInterval
            : queue.fifo() ? FIFO_ACKNOWLEDGEMENT_INTERVAL : DEFAULT_ACKNOWLEDGEMENT_INTERVAL;
    deletes =
        new DeleteBatcher(
            config.sqs, config.queueUrl, ackInterval, heartbeat, counters, scheduler, config.clock);
    HandlerGate gate =
        config.circuitBreaker == null && config.rateLimiter == null
            ? HandlerGate.open()
            : new Resilience4jGate(config.circuitBreaker, config.rateLimiter);
    RetryingFailurePolicy failures =
        failurePolicy =
            new RetryingFailurePolicy(
                config.queueUrl,
                config.retryPolicy,
                nonRetryable(config.nonRetryable),
                dlqUrl == null
                    ? null
                    : new DeadLetters(config.sqs, config.queueUrl, dlqUrl, queue.fifo(), counters),
                new Backoff(visibility, config.queueUrl, scheduler, config.clock));
    dispatcher =
        new Dispatcher(
            config.queueUrl,
            new Dispatcher.Handler(config.handler, config.batchHandler),
            handlerExecutor(),
            config.concurrency,
            queue.fifo(),
            permits,
            heartbeat,
            visibility,
            deletes,
            failures,
            gate,
            counters,
            config.clock,
            visibilitySeconds,
            () -> queue.maxReceiveCount().orElse(null),
            config.maxProcessingTime,
            scheduler);
    int held = (batch ? config.concurrency * 10 : config.concurrency) + config.prefetch;
    int loops = Math.max(1, Math.min(10, (held + 9) / 10));
    poller =
        new Poller(
            config.sqs,
            config.queueUrl,
            (int) config.waitTime.toSeconds(),
            config.visibilityTimeout == null ? null : visibilitySeconds,
            permits,
            dispatcher,
            gate,
            counters,
            scheduler,
            config.clock,
            loops);
    heartbeat.start(scheduler);
    if (!config.queueAttributesRefresh.isZero()) {
      long every = config.queueAttributesRefresh.toMillis();
      refreshing =
          scheduler.scheduleWithFixedDelay(
              this::refreshQueueSettings, every, every, TimeUnit.MILLISECONDS);
    }
    poller.start();
    LOG.info(
        "consuming {}: concurrency {}{}, prefetch {}, {} poll loop(s), visibility {} s, retry {},"
            + " DLQ {}",
        config.queueUrl,
        config.concurrency,
        batch ? " batches" : "",
        config.prefetch,
        loops,
        visibilitySeconds,
        config.retryPolicy,
        dlqUrl == null ? "none" : dlqUrl);
  }

  /** The DLQ sqsx sends to: the configured one, else the redrive policy's. */
  private String deadLetterQueueUrl() {
    if (config.deadLetterQueueUrl != null) {
      return config.deadLetterQueueUrl;
    }
    if (queue.deadLetterTargetArn().isEmpty()) {
      return null;
    }
    String arn = queue.deadLetterTargetArn().get();
    try {
      return queueAttributes.urlOf(arn).join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new ConsumerException(
          "the redrive policy of queue "
              + config.queueUrl
              + " names DLQ "
              + arn
              + ", which cannot be found: "
              + cause.getMessage(),
          cause);
    }
  }

  private void checkPlan(String dlqUrl) {
    if (queue.maxReceiveCount().isEmpty() && dlqUrl == null) {
      LOG.warn(
          "queue {} has no redrive policy and no dead-letter queue is configured: a message that"
              + " always fails is retried until SQS retention drops it",
          config.queueUrl);
    }
    if (config.batchHandler != null && queue.fifo()) {
      throw new ConsumerException(
          "a batch handler cannot keep FIFO group order on queue "
              + config.queueUrl
              + ": use handler or asyncHandler for FIFO queues");
    }
    queue
        .maxReceiveCount()
        .ifPresent(
            attempts -> {
              Duration schedule = config.retryPolicy.worstCaseBefore(attempts);
              if (schedule.toSeconds() > queue.retentionPeriodSeconds()) {
                LOG.warn(
                    "retry policy {} waits up to {} over the {} receives queue {} allows, longer"
                        + " than its retention of {} s: messages may expire before their last"
                        + " attempt",
                    config.retryPolicy,
                    schedule,
                    attempts,
                    config.queueUrl,
                    queue.retentionPeriodSeconds());
              }
            });
  }

  /** NonRetryableException, and what the user's predicate (or the default) says. */
  private static Predicate<Throwable> nonRetryable(Predicate<Throwable> configured) {
    return error -> {
      for (Throwable cause = error; cause != null; cause = cause.getCause()) {
        if (cause instanceof NonRetryableException || configured.test(cause)) {
          return true;
        }
        if (cause.getCause() == cause) {
          break;
        }
      }
      return false;
    };
  }

  /**
   * Re-reads the queue's attributes (on the scheduler, without blocking it): a changed redrive
   * policy takes effect for the next failures, including a new DLQ (unless one was configured).
   */
  @SuppressWarnings("FutureReturnValueIgnored") // the callback below observes every failure
  private void refreshQueueSettings() {
    queueAttributes
        .read()
        .thenCompose(this::apply)
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                LOG.warn(
                    "could not refresh the attributes of queue {} (keeping the last ones): {}",
                    config.queueUrl,
                    error.toString());
              }
            });
  }

  private CompletableFuture<Void> apply(QueueSettings fresh) {
    QueueSettings old = queue;
    queue = fresh;
    if (old.maxReceiveCount().equals(fresh.maxReceiveCount())
        && old.deadLetterTargetArn().equals(fresh.deadLetterTargetArn())) {
      return CompletableFuture.completedFuture(null);
    }
    LOG.info(
        "redrive policy of {} changed: maxReceiveCount {} -> {}, DLQ {} -> {}",
        config.queueUrl,
        old.maxReceiveCount().orElse(null),
        fresh.maxReceiveCount().orElse(null),
        old.deadLetterTargetArn().orElse("none"),
        fresh.deadLetterTargetArn().orElse("none"));
    if (config.deadLetterQueueUrl != null) {
      return CompletableFuture.completedFuture(null);
    }
    if (fresh.deadLetterTargetArn().isEmpty()) {
      failurePolicy.deadLetters(null);
      return CompletableFuture.completedFuture(null);
    }
    return queueAttributes
        .urlOf(fresh.deadLetterTargetArn().get())
        .thenAccept(
            dlqUrl ->
                failurePolicy.deadLetters(
                    new DeadLetters(config.sqs, config.queueUrl, dlqUrl, fresh.fifo(), counters)));
  }

  private QueueSettings readQueueSettings() {
    try {
      return queueAttributes.read().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new ConsumerException(
          "cannot read the attributes of queue " + config.queueUrl + ": " + cause.getMessage(),
          cause);
    }
  }

  private java.util.concurrent.Executor handlerExecutor() {
    if (config.executor != null) {
      return config.executor;
    }
    ownExecutor =
        config.virtualThreads
            ? VirtualThreads.newExecutor()
            : Executors.newFixedThreadPool(config.concurrency, threads("sqsx-consumer-handler"));
    return ownExecutor;
  }

  /**
   * Puts a message the extended client could not resolve through the failure policy, as if its
   * handler had failed with {@code error}.
   */
  void payloadFailed(software.amazon.awssdk.services.sqs.model.Message message, Throwable error) {
    if (state.get() != State.RUNNING) {
      return;
    }
    long now = config.clock.millis();
    dev.sqsx.consumer.internal.Lease lease =
        new dev.sqsx.consumer.internal.Lease(
            new ReceivedMessage(message, config.queueUrl, queue.maxReceiveCount().orElse(null)),
            now,
            now + visibilitySeconds * 1000L);
    counters.payloadFailed();
    dispatcher.blockGroup(message, poller.receivesInFlight());
    failurePolicy.onFailure(lease, error);
  }

  /** The queue this consumer reads. */
  public String queueUrl() {
    return config.queueUrl;
  }

  /** Whether the consumer is started and not closed. */
  public boolean isRunning() {
    return state.get() == State.RUNNING;
  }

  /** Counts since start. */
  public ConsumerStats stats() {
    return counters.snapshot();
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
      return;
    }
    if (config.payloadFailures != null) {
      PayloadFailures.unbind(config.payloadFailures, this);
    }
    if (refreshing != null) {
      refreshing.cancel(false);
    }
    long started = System.nanoTime();
    long deadline = started + config.shutdownTimeout.toNanos();
    // An open long poll is not cancelled (SQS would answer it anyway): it is awaited, and what it
    // returns is released, so no receive of this consumer can take messages after close().
    CompletableFuture<Void> polling = poller.stop();
    boolean finished = await(dispatcher.shutdown(), deadline, "waiting for running handlers");
    long pollDeadline =
        started
            + Math.max(
                config.shutdownTimeout.toNanos(),
                config.waitTime.plus(POLL_ANSWER_MARGIN).toNanos());
    if (!await(polling, pollDeadline, "waiting for open long polls to answer")) {
      LOG.warn(
          "a long poll of {} did not answer within {} of close(): messages it returns stay"
              + " invisible until their visibility timeout ends",
          config.queueUrl,
          config.waitTime.plus(POLL_ANSWER_MARGIN));
    }
    if (!finished) {
      LOG.warn(
          "{} handler(s) of {} still running after the shutdown timeout of {}: their messages will"
              + " be redelivered",
          dispatcher.running(),
          config.queueUrl,
          config.shutdownTimeout);
    }
    // The rest of the shutdown budget, at least FLUSH_MARGIN: deletes, dead letters being sent and
    // retry delays are one request per 10 messages each.
    long flushDeadline = Math.max(deadline, System.nanoTime() + FLUSH_MARGIN.toNanos());
    if (!await(
        CompletableFuture.allOf(deletes.flushAll(), failurePolicy.settle()),
        flushDeadline,
        "flushing deletes, dead letters and retry delays")) {
      LOG.warn(
          "shutdown of {}: deletes, dead letters or retry delays still unanswered after the"
              + " shutdown budget; their messages will be redelivered",
          config.queueUrl);
    }
    heartbeat.stop();
    scheduler.shutdown();
    if (ownExecutor != null) {
      if (finished) {
        ownExecutor.shutdown();
      } else {
        ownExecutor.shutdownNow();
      }
    }
    LOG.info("stopped consuming {}: {}", config.queueUrl, stats().summary());
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
      LOG.warn("shutdown of {}: {} failed: {}", config.queueUrl, what, e.getCause().toString());
      return false;
    }
  }

  private static java.util.concurrent.ThreadFactory threads(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Builds an {@link SqsConsumer}; not thread-safe. */
  public static final class Builder {
    private SqsAsyncClient sqs;
    private String queueUrl;
    private AsyncMessageHandler handler;
    private int concurrency = 10;
    private int prefetch = 10;
    private Duration waitTime = Duration.ofSeconds(20);
    private Duration visibilityTimeout;
    private Duration maxProcessingTime = Duration.ofMinutes(30);
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private Duration acknowledgementInterval;
    private BatchMessageHandler batchHandler;
    private RetryPolicy retryPolicy = RetryPolicy.exponential();
    private Predicate<Throwable> nonRetryable = SqsConsumer::nonRetryableByDefault;
    private String deadLetterQueueUrl;
    private io.github.resilience4j.circuitbreaker.CircuitBreaker circuitBreaker;
    private io.github.resilience4j.ratelimiter.RateLimiter rateLimiter;
    private PayloadFailureBridge payloadFailures;
    private Duration queueAttributesRefresh = Duration.ofMinutes(5);
    private java.util.concurrent.Executor executor;
    private boolean virtualThreads;
    private io.micrometer.core.instrument.MeterRegistry meterRegistry;
    private Clock clock = MonotonicClock.start();

    private Builder() {}

    /**
     * The client to poll with: a plain {@code SqsAsyncClient} or an {@code SqsExtendedAsyncClient}
     * (large payloads are then resolved before the handler sees them). Not closed by the consumer.
     */
    public Builder sqsClient(SqsAsyncClient sqs) {
      this.sqs = sqs;
      return this;
    }

    /** The queue to consume. Required. */
    public Builder queueUrl(String queueUrl) {
      this.queueUrl = queueUrl;
      return this;
    }

    /**
     * A blocking handler, run on the handler executor. One of the two handler shapes is required.
     */
    public Builder handler(MessageHandler handler) {
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
    public Builder asyncHandler(AsyncMessageHandler handler) {
      this.handler = java.util.Objects.requireNonNull(handler, "asyncHandler cannot be null");
      return this;
    }

    /**
     * A batch handler: the messages of one receive (up to 10) at once, an outcome per message.
     * Concurrency then counts batches. Not for FIFO queues. One of the handler shapes is required.
     */
    public Builder batchHandler(BatchMessageHandler batchHandler) {
      this.batchHandler =
          java.util.Objects.requireNonNull(batchHandler, "batchHandler cannot be null");
      return this;
    }

    /**
     * How long a failed message waits before its next attempt (applied with {@code
     * ChangeMessageVisibility}). Default {@link RetryPolicy#exponential()}.
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy =
          java.util.Objects.requireNonNull(retryPolicy, "retryPolicy cannot be null");
      return this;
    }

    /**
     * Which failures go to the dead-letter queue at once instead of being retried (checked on the
     * error and its causes). {@link NonRetryableException} always does. Default: also a payload
     * pointer that is malformed, not allowed, or fails its integrity check.
     */
    public Builder nonRetryable(Predicate<Throwable> nonRetryable) {
      this.nonRetryable =
          java.util.Objects.requireNonNull(nonRetryable, "nonRetryable cannot be null");
      return this;
    }

    /**
     * The dead-letter queue sqsx sends failed messages to, with their reason. Default: the one the
     * queue's redrive policy names; without either, failed messages are left to SQS retention.
     */
    public Builder deadLetterQueueUrl(String deadLetterQueueUrl) {
      this.deadLetterQueueUrl = deadLetterQueueUrl;
      return this;
    }

    /**
     * A resilience4j circuit breaker around the handler. While it is open the consumer stops
     * polling, and messages it already holds are put back for the breaker's wait, so an outage does
     * not spend their receive counts. Its own configuration decides which exceptions count. Needs
     * resilience4j-circuitbreaker on the classpath.
     */
    public Builder circuitBreaker(
        io.github.resilience4j.circuitbreaker.CircuitBreaker circuitBreaker) {
      this.circuitBreaker = circuitBreaker;
      return this;
    }

    /**
     * A resilience4j rate limiter on handler starts: a start waits for a permission up to the
     * limiter's timeout, and a message that gets none is put back for a second. Needs
     * resilience4j-ratelimiter on the classpath.
     */
    public Builder rateLimiter(io.github.resilience4j.ratelimiter.RateLimiter rateLimiter) {
      this.rateLimiter = rateLimiter;
      return this;
    }

    /**
     * Routes the extended client's payload resolution failures for this queue into this consumer's
     * retry and dead-letter policy; give the same bridge to the extended client as its {@code
     * resolutionListener}.
     */
    public Builder payloadFailures(PayloadFailureBridge payloadFailures) {
      this.payloadFailures = payloadFailures;
      return this;
    }

    /**
     * How often the queue's attributes (redrive policy, DLQ) are read again: zero (never) or 1
     * s..24 h, default 5 minutes. A changed policy applies to the next failures.
     */
    public Builder queueAttributesRefresh(Duration queueAttributesRefresh) {
      this.queueAttributesRefresh = queueAttributesRefresh;
      return this;
    }

    /** Messages handled at once: 1..10,000, default 10. */
    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Messages received ahead of a free handler slot (held under the heartbeat while they wait):
     * 0..1,000, default 10.
     */
    public Builder prefetch(int prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    /** Long-poll wait of each receive: whole seconds 0..20, default 20. */
    public Builder waitTime(Duration waitTime) {
      this.waitTime = waitTime;
      return this;
    }

    /**
     * Visibility timeout asked for on receive and on each extension: whole seconds 1..43,200.
     * Default: the queue's own {@code VisibilityTimeout}.
     */
    public Builder visibilityTimeout(Duration visibilityTimeout) {
      this.visibilityTimeout = visibilityTimeout;
      return this;
    }

    /**
     * How long after receive the consumer keeps extending a message's visibility: 1 s..12 h,
     * default 30 minutes. After it, the message is redelivered even if its handler still runs.
     */
    public Builder maxProcessingTime(Duration maxProcessingTime) {
      this.maxProcessingTime = maxProcessingTime;
      return this;
    }

    /** How long {@code close()} waits for running handlers: 0..1 h, default 30 s. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /**
     * Longest wait before a partial delete batch is sent: 0..60 s, default 1 s (100 ms on FIFO
     * queues, where a group's next message waits for the delete). A batch of 10 goes at once, and
     * so does one whose visibility deadline is near.
     */
    public Builder acknowledgementInterval(Duration acknowledgementInterval) {
      this.acknowledgementInterval = acknowledgementInterval;
      return this;
    }

    /**
     * The executor handlers run on (not shut down by the consumer). Default: a pool of {@code
     * concurrency} threads owned by the consumer.
     */
    public Builder executor(java.util.concurrent.Executor executor) {
      this.executor = executor;
      return this;
    }

    /** Run handlers on virtual threads (JDK 21+), still at most {@code concurrency} at once. */
    public Builder virtualThreads(boolean virtualThreads) {
      this.virtualThreads = virtualThreads;
      return this;
    }

    /**
     * Publishes {@code sqsx.consumer.*} meters (tagged with the queue name) to this registry.
     * Micrometer is an optional dependency, needed on the classpath only when this is called.
     */
    public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry meterRegistry) {
      this.meterRegistry = meterRegistry;
      return this;
    }

    /**
     * The clock leases, heartbeats, delete deadlines and backoffs are computed with (for tests).
     * Default: a monotonic clock (wall time at start, then {@code System.nanoTime()}), so a
     * wall-clock step cannot abandon a lease or skip an extension.
     */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Validates and builds the consumer (it does not start it).
     *
     * @throws IllegalArgumentException naming the option, the value and the rule when one is
     *     invalid
     */
    public SqsConsumer build() {
      java.util.Objects.requireNonNull(sqs, "sqsClient cannot be null");
      if (queueUrl == null || queueUrl.isBlank()) {
        throw new IllegalArgumentException("queueUrl must be set, was '" + queueUrl + "'");
      }
      if ((handler == null) == (batchHandler == null)) {
        throw new IllegalArgumentException(
            "exactly one of handler, asyncHandler and batchHandler must be set");
      }
      range("concurrency", concurrency, 1, 10_000, "handlers at once");
      range("prefetch", prefetch, 0, 1_000, "messages held ahead of a free slot");
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
      if (virtualThreads && !VirtualThreads.available()) {
        throw new IllegalArgumentException(
            "virtualThreads needs JDK 21 or newer, this is " + Runtime.version());
      }
      java.util.Objects.requireNonNull(clock, "clock cannot be null");
      return new SqsConsumer(snapshot());
    }

    /** A private copy, so a built consumer never sees later changes to this builder. */
    private Builder snapshot() {
      Builder copy = new Builder();
      copy.sqs = sqs;
      copy.queueUrl = queueUrl;
      copy.handler = handler;
      copy.concurrency = concurrency;
      copy.prefetch = prefetch;
      copy.waitTime = waitTime;
      copy.visibilityTimeout = visibilityTimeout;
      copy.maxProcessingTime = maxProcessingTime;
      copy.shutdownTimeout = shutdownTimeout;
      copy.acknowledgementInterval = acknowledgementInterval;
      copy.batchHandler = batchHandler;
      copy.retryPolicy = retryPolicy;
      copy.nonRetryable = nonRetryable;
      copy.deadLetterQueueUrl = deadLetterQueueUrl;
      copy.circuitBreaker = circuitBreaker;
      copy.rateLimiter = rateLimiter;
      copy.payloadFailures = payloadFailures;
      copy.queueAttributesRefresh = queueAttributesRefresh;
      copy.executor = executor;
      copy.virtualThreads = virtualThreads;
      copy.meterRegistry = meterRegistry;
      copy.clock = clock;
      return copy;
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

    private static void within(
        String name, Duration value, Duration min, Duration max, String why) {
      if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            name + " must be " + min + ".." + max + " (" + why + "), was " + value);
      }
    }
  }
}
