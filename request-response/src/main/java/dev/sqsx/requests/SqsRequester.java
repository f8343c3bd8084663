/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * Sends requests to SQS queues and completes a future with each one's reply.
 *
 * <p>Every request carries two message attributes: {@value #REPLY_TO_ATTRIBUTE} (the URL of this
 * requester's reply queue; AWS's temporary-queues client uses the same name) and {@value
 * #CORRELATION_ID_ATTRIBUTE} (a random UUID). Replies for all requests of one requester arrive on
 * one real queue — created by {@link #start()} with the prefix {@code replyQueuePrefix} and the
 * tags {@value ReplyQueueSweeper#OWNER_TAG} and {@value ReplyQueueSweeper#HEARTBEAT_TAG} (refreshed
 * every {@code heartbeatInterval}), or one the application names — and a few long-poll loops route
 * them to the waiting futures by correlation id: virtual reply queues, one per request, multiplexed
 * over one real queue.
 *
 * <p>Each reply is delivered at most once, and only to its own request: a reply after its request
 * timed out (or was cancelled) is deleted and counted as late; a second reply to an answered
 * request (the responder handled a redelivered request again) is deleted and counted as a
 * duplicate; a reply whose correlation id this requester does not know is deleted and counted as
 * unroutable. Give it the extended async client and large requests and replies are offloaded.
 *
 * <p>Read replies are deleted in batches of up to 10, gathered for up to {@code deleteInterval}
 * (200 ms) after the reply was delivered.
 *
 * <p>Thread-safe. {@link #close()} fails the pending futures with a {@link RequestException} and
 * deletes the reply queue it created; the SQS client is never closed by the requester. A reply
 * completes its future on the thread that received it unless a {@code callbackExecutor} is given
 * (see {@link Builder#callbackExecutor(Executor)}).
 */
@SuppressWarnings(
    "exports") // meterRegistry(MeterRegistry): Micrometer is optional (requires static)
public final class SqsRequester implements AutoCloseable {

  /** The request attribute naming the queue to reply to (AWS's temporary-queues client's name). */
  public static final String REPLY_TO_ATTRIBUTE = "ResponseQueueUrl";

  /** The request and reply attribute carrying the correlation id. */
  public static final String CORRELATION_ID_ATTRIBUTE = "sqsx.CorrelationId";

  private static final Logger LOG = LoggerFactory.getLogger(SqsRequester.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final SqsAsyncClient sqs;
  private final Settings settings;
  private final ReplyRouter router;
  private final ScheduledExecutorService scheduler;
  private final LongAdder requests = new LongAdder();
  private final LongAdder sendFailures = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder receives = new LongAdder();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<ScheduledFuture<?>> tasks = new CopyOnWriteArrayList<>();
  private volatile boolean running;
  private volatile String replyQueueUrl;
  private volatile LongConsumer roundTrips = nanos -> {};
  private final AtomicBoolean replacing = new AtomicBoolean();
  private final LongAdder failedDeletes = new LongAdder();
  private volatile ReplyDeletes deletes;

  private SqsRequester(Settings settings) {
    this.settings = settings;
    this.sqs = settings.sqs;
    this.router =
        new ReplyRouter(
            System::nanoTime, settings.replyMemory.toNanos(), settings.replyMemoryLimit);
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "sqsx-requester-scheduler");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    this.scheduler = executor;
  }

  /** A builder; {@code sqsClient} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates the reply queue (unless the application named one), starts the heartbeat, the poll
   * loops and, when configured, the sweeper. Blocks until the queue exists.
   *
   * @throws IllegalStateException when called twice or after {@link #close()}, or when the reply
   *     queue cannot be created (the cause says why)
   */
  public void start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("start() may be called once, before close()");
    }
    String url = settings.replyQueueUrl;
    if (url == null) {
      url = createReplyQueue();
      tasks.add(
          scheduler.scheduleAtFixedRate(
              this::heartbeat,
              settings.heartbeatInterval.toMillis(),
              settings.heartbeatInterval.toMillis(),
              TimeUnit.MILLISECONDS));
    }
    replyQueueUrl = url;
    running = true;
    if (settings.replyQueueUrl != null && !settings.deleteInterval.isZero()) {
      checkVisibilityTimeout(url);
    }
    if (settings.meterRegistry != null) {
      roundTrips = RequesterMeters.register(settings.meterRegistry, this);
    }
    startPolling(url);
    if (!settings.sweepInterval.isZero()) {
      ReplyQueueSweeper sweeper =
          ReplyQueueSweeper.builder()
              .sqsClient(sqs)
              .queueNamePrefix(settings.replyQueuePrefix)
              .idleAfter(settings.sweepIdleAfter)
              .clock(settings.clock)
              .build();
      tasks.add(
          scheduler.scheduleWithFixedDelay(
              () -> {
                var unused = sweeper.sweep(queue -> queue.equals(replyQueueUrl));
              },
              settings.sweepInterval.toMillis(),
              settings.sweepInterval.toMillis(),
              TimeUnit.MILLISECONDS));
    }
    LOG.info("requester started: replies on {} ({} poll loops)", url, settings.pollers);
  }

  private void startPolling(String url) {
    ReplyDeletes queueDeletes =
        new ReplyDeletes(sqs, url, settings.deleteInterval, scheduler, failedDeletes);
    deletes = queueDeletes;
    ReplyPoller poller =
        new ReplyPoller(
            sqs,
            url,
            settings.waitTime,
            router,
            receives,
            roundTrips,
            this::complete,
            () -> running,
            scheduler,
            settings.replyQueueUrl == null ? this::replyQueueGone : null,
            queueDeletes);
    for (int i = 0; i < settings.pollers; i++) {
      poller.poll();
    }
  }

  /** Warns when an application-named queue's replies would come back before their delete. */
  private void checkVisibilityTimeout(String url) {
    long leastMillis = settings.deleteInterval.toMillis() * 5 + 1_000;
    var unused =
        sqs.getQueueAttributes(
                r -> r.queueUrl(url).attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT))
            .whenComplete(
                (response, error) -> {
                  String value =
                      error == null
                          ? response.attributes().get(QueueAttributeName.VISIBILITY_TIMEOUT)
                          : null;
                  if (value == null) {
                    LOG.debug("cannot read the VisibilityTimeout of reply queue {}", url);
                  } else if (Long.parseLong(value) * 1_000 < leastMillis) {
                    LOG.warn(
                        "reply queue {} has a VisibilityTimeout of {} s, less than 5 ×"
                            + " deleteInterval ({}) + 1 s: replies may come back before their"
                            + " batched delete (they are dropped as duplicates, at the cost of"
                            + " more receives); raise it or lower deleteInterval",
                        url,
                        value,
                        settings.deleteInterval);
                  }
                });
  }

  private String createReplyQueue() {
    String name = newReplyQueueName();
    try {
      return createReplyQueue(name).join();
    } catch (CompletionException e) {
      started.set(false);
      throw new IllegalStateException(
          "cannot create the reply queue " + name + ": " + e.getCause(), e.getCause());
    }
  }

  private String newReplyQueueName() {
    return settings.replyQueuePrefix
        + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  private CompletableFuture<String> createReplyQueue(String name) {
    Map<String, String> tags =
        Map.of(
            ReplyQueueSweeper.OWNER_TAG,
            settings.owner,
            ReplyQueueSweeper.HEARTBEAT_TAG,
            Long.toString(settings.clock.millis()));
    return sqs.createQueue(
            r ->
                r.queueName(name)
                    .tags(tags)
                    .attributes(
                        Map.of(
                            QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                            "3600",
                            QueueAttributeName.VISIBILITY_TIMEOUT,
                            Integer.toString(Settings.REPLY_VISIBILITY_TIMEOUT_SECONDS))))
        .thenApply(created -> created.queueUrl());
  }

  /**
   * The reply queue this requester created is gone while it runs (a sweeper whose clock runs ahead
   * of ours, or a delete by hand): the requests that named it as reply-to fail at once, and a new
   * queue takes its place. Called by each poll loop that finds it gone; acts once per queue.
   */
  private void replyQueueGone(String gone) {
    if (!running || !gone.equals(replyQueueUrl) || !replacing.compareAndSet(false, true)) {
      return;
    }
    ReplyDeletes goneDeletes = deletes;
    if (goneDeletes != null) {
      var unused = goneDeletes.discard(); // their queue, and the replies with it, are gone
    }
    Map<String, ReplyRouter.Pending> lost = router.drain(pending -> gone.equals(pending.replyTo));
    lost.forEach(
        (correlationId, pending) -> {
          pending.cancelTimeout();
          complete(
              pending,
              null,
              new RequestException(
                  "the reply queue "
                      + gone
                      + " of request "
                      + correlationId
                      + " (sent to queue "
                      + pending.queueUrl
                      + ") was deleted before the reply came",
                  pending.queueUrl,
                  correlationId,
                  null));
        });
    LOG.warn(
        "reply queue {} was deleted while this requester ran (by a sweeper whose clock runs ahead,"
            + " or by hand): {} pending requests failed; creating a new one",
        gone,
        lost.size());
    replaceReplyQueue(gone);
  }

  private void replaceReplyQueue(String gone) {
    String name = newReplyQueueName();
    var unused =
        createReplyQueue(name)
            .whenComplete(
                (url, error) -> {
                  if (error != null) {
                    if (running) {
                      LOG.warn(
                          "cannot create the reply queue {}, retrying in 1 s: {}",
                          name,
                          unwrap(error).toString());
                      try {
                        var unusedRetry =
                            scheduler.schedule(() -> replaceReplyQueue(gone), 1, TimeUnit.SECONDS);
                      } catch (RejectedExecutionException closing) {
                        replacing.set(false);
                      }
                    } else {
                      replacing.set(false);
                    }
                    return;
                  }
                  replyQueueUrl = url;
                  replacing.set(false);
                  if (!running) { // close() ran meanwhile and deleted the old one
                    var unusedDelete = sqs.deleteQueue(r -> r.queueUrl(url));
                    return;
                  }
                  LOG.info("replies now on {}", url);
                  startPolling(url);
                });
  }

  private void heartbeat() {
    String url = replyQueueUrl;
    var unused =
        sqs.tagQueue(
                r ->
                    r.queueUrl(url)
                        .tags(
                            Map.of(
                                ReplyQueueSweeper.HEARTBEAT_TAG,
                                Long.toString(settings.clock.millis()))))
            .whenComplete(
                (ok, error) -> {
                  if (error != null && running) {
                    LOG.warn(
                        "heartbeat on reply queue {} failed: {}", url, unwrap(error).toString());
                  }
                });
  }

  /** Sends a request to {@code queueUrl} and waits for its reply up to the default timeout. */
  public CompletableFuture<Reply> request(String queueUrl, String body) {
    return request(queueUrl, body, Map.of(), settings.defaultTimeout);
  }

  /** Sends a request to {@code queueUrl} and waits for its reply up to {@code timeout}. */
  public CompletableFuture<Reply> request(String queueUrl, String body, Duration timeout) {
    return request(queueUrl, body, Map.of(), timeout);
  }

  /** Sends a request with message attributes and waits for its reply up to {@code timeout}. */
  public CompletableFuture<Reply> request(
      String queueUrl,
      String body,
      Map<String, MessageAttributeValue> attributes,
      Duration timeout) {
    return request(
        SendMessageRequest.builder()
            .queueUrl(queueUrl)
            .messageBody(body)
            .messageAttributes(attributes)
            .build(),
        timeout);
  }

  /**
   * Sends {@code request} — with its attributes, FIFO message group and deduplication ids and delay
   * passed through, plus the reply-to and correlation attributes — and waits up to {@code timeout}
   * for its reply.
   *
   * <p>Never throws: the future fails with a {@link RequestTimeoutException} when no reply came in
   * time, a {@link RequestException} when the send failed or the requester closed first, and an
   * {@link IllegalArgumentException} or {@link IllegalStateException} for a request it cannot send
   * (no queue URL or body, a reserved attribute name, a requester not running). Cancelling the
   * future abandons the request (its reply, if it comes, is counted late).
   */
  public CompletableFuture<Reply> request(SendMessageRequest request, Duration timeout) {
    try {
      check(request, timeout);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    String correlationId = UUID.randomUUID().toString();
    String queueUrl = request.queueUrl();
    Map<String, MessageAttributeValue> attributes = new HashMap<>(request.messageAttributes());
    String replyTo = replyQueueUrl;
    attributes.put(REPLY_TO_ATTRIBUTE, text(replyTo));
    attributes.put(CORRELATION_ID_ATTRIBUTE, text(correlationId));
    CompletableFuture<Reply> future = new CompletableFuture<>();
    ReplyRouter.Pending pending =
        new ReplyRouter.Pending(future, queueUrl, System.nanoTime(), replyTo);
    router.register(correlationId, pending);
    try {
      pending.timeout =
          scheduler.schedule(
              () -> timedOut(correlationId, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      router.abandon(correlationId);
      return CompletableFuture.failedFuture(new IllegalStateException("the requester is closed"));
    }
    if (!running && router.abandon(correlationId) != null) { // close() drained before we registered
      pending.cancelTimeout();
      return CompletableFuture.failedFuture(new IllegalStateException("the requester is closed"));
    }
    var unused =
        future.whenComplete(
            (reply, error) -> {
              if (router.abandon(correlationId) != null) {
                pending.cancelTimeout(); // cancelled by the caller
              }
            });
    CompletableFuture<SendMessageResponse> send;
    try {
      send = sqs.sendMessage(request.toBuilder().messageAttributes(attributes).build());
    } catch (RuntimeException e) {
      send = CompletableFuture.failedFuture(e);
    }
    var unusedSend =
        send.whenComplete(
            (sent, error) -> {
              if (error == null) {
                requests.increment();
                return;
              }
              sendFailures.increment();
              ReplyRouter.Pending failed = router.abandon(correlationId);
              if (failed != null) {
                failed.cancelTimeout();
                Throwable cause = unwrap(error);
                complete(
                    failed,
                    null,
                    new RequestException(
                        "cannot send request "
                            + correlationId
                            + " to queue "
                            + queueUrl
                            + ": "
                            + cause,
                        queueUrl,
                        correlationId,
                        cause));
              }
            });
    return future;
  }

  private void check(SendMessageRequest request, Duration timeout) {
    Objects.requireNonNull(request, "request cannot be null");
    if (request.queueUrl() == null || request.messageBody() == null) {
      throw new IllegalArgumentException("a request needs a queueUrl and a messageBody");
    }
    if (request.messageAttributes().containsKey(REPLY_TO_ATTRIBUTE)
        || request.messageAttributes().containsKey(CORRELATION_ID_ATTRIBUTE)) {
      throw new IllegalArgumentException(
          "the attributes "
              + REPLY_TO_ATTRIBUTE
              + " and "
              + CORRELATION_ID_ATTRIBUTE
              + " are set by the requester, not by the caller");
    }
    Settings.checkTimeout("timeout", timeout);
    if (!running) {
      throw new IllegalStateException(
          closed.get() ? "the requester is closed" : "the requester is not started");
    }
  }

  private void timedOut(String correlationId, Duration timeout) {
    ReplyRouter.Pending pending = router.abandon(correlationId);
    if (pending != null) {
      timeouts.increment();
      completeAway(
          pending, null, new RequestTimeoutException(pending.queueUrl, correlationId, timeout));
    }
  }

  /**
   * Completes a future where its outcome arrived (a reply on the thread that received it, a failed
   * send on the thread that saw it fail), or on the {@code callbackExecutor} when one was given.
   */
  private void complete(ReplyRouter.Pending pending, Reply reply, Throwable error) {
    complete(settings.callbackExecutor, pending, reply, error);
  }

  /**
   * Completes a future on the {@code callbackExecutor}, or the common pool when none was given: for
   * the outcomes found by the requester's own threads (timeouts, close), which dependent stages
   * must not hold up.
   */
  private void completeAway(ReplyRouter.Pending pending, Reply reply, Throwable error) {
    Executor executor = settings.callbackExecutor;
    complete(executor == null ? ForkJoinPool.commonPool() : executor, pending, reply, error);
  }

  private static void complete(
      Executor executor, ReplyRouter.Pending pending, Reply reply, Throwable error) {
    Runnable completion =
        () -> {
          if (error == null) {
            pending.future.complete(reply);
          } else {
            pending.future.completeExceptionally(error);
          }
        };
    if (executor == null) {
      completion.run();
      return;
    }
    try {
      executor.execute(completion);
    } catch (RuntimeException rejected) {
      completion.run();
    }
  }

  /** The reply queue's URL (null before {@link #start()}). */
  public String replyQueueUrl() {
    return replyQueueUrl;
  }

  /** The counts since start. */
  public RequesterStats stats() {
    return new RequesterStats(
        requests.sum(),
        sendFailures.sum(),
        router.delivered.sum(),
        timeouts.sum(),
        router.late.sum(),
        router.duplicates.sum(),
        router.unknown.sum(),
        receives.sum(),
        router.pendingCount(),
        failedDeletes.sum());
  }

  LongAdder requestsCount() {
    return requests;
  }

  LongAdder sendFailuresCount() {
    return sendFailures;
  }

  LongAdder timeoutsCount() {
    return timeouts;
  }

  /** The read replies whose batched delete waits now. Tests only. */
  int pendingDeletes() {
    ReplyDeletes current = deletes;
    return current == null ? 0 : current.pendingCount();
  }

  LongAdder failedDeletesCount() {
    return failedDeletes;
  }

  ReplyRouter router() {
    return router;
  }

  /**
   * Stops: fails every pending future with a {@link RequestException}, stops polling and the
   * heartbeat, and deletes the reply queue it created (an application-named one is left, and the
   * replies read from it whose batched delete was still waiting are deleted first; on a created
   * queue they go with the queue). Waits up to 30 s for the delete; a queue it could not delete is
   * logged, and a {@link ReplyQueueSweeper} deletes it once its heartbeat is stale. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    running = false;
    tasks.forEach(task -> task.cancel(false));
    router
        .drain()
        .forEach(
            (correlationId, pending) -> {
              pending.cancelTimeout();
              completeAway(
                  pending,
                  null,
                  new RequestException(
                      "the requester closed before the reply to request "
                          + correlationId
                          + " (sent to queue "
                          + pending.queueUrl
                          + ") came",
                      pending.queueUrl,
                      correlationId,
                      null));
            });
    String url = replyQueueUrl;
    ReplyDeletes pendingDeletes = deletes;
    if (pendingDeletes != null) {
      // a created queue is deleted with its replies: no delete to send, only those already sent
      // to wait for (the queue's delete would fail them); the application's queue stays: delete
      // what was read
      try {
        (settings.replyQueueUrl == null
                ? pendingDeletes.discard()
                : pendingDeletes.flushAndStopWaiting())
            .get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.warn("interrupted while deleting the replies read from {}: they come back", url);
      } catch (Exception e) {
        LOG.warn("deleting the replies read from {} did not end in time: {}", url, e.toString());
      }
    }
    if (url != null && settings.replyQueueUrl == null) {
      try {
        sqs.deleteQueue(r -> r.queueUrl(url)).get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.warn("interrupted while deleting reply queue {}: a sweeper will delete it", url);
      } catch (Exception e) {
        LOG.warn("cannot delete reply queue {}: a sweeper will delete it: {}", url, e.toString());
      }
    }
    scheduler.shutdownNow();
    LOG.info("requester closed: {}", stats());
  }

  /** Stops every thread and loop as a crash would: no future failed, the queue left. Tests only. */
  void halt() {
    closed.set(true);
    running = false;
    scheduler.shutdownNow();
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  static String defaultOwner() {
    return ManagementFactory.getRuntimeMXBean().getName();
  }

  /** Builds an {@link SqsRequester}; every option is checked by {@link #build()}. */
  public static final class Builder {
    private final Settings settings = new Settings();

    private Builder() {}

    /** The client requests are sent and replies received with (never closed by the requester). */
    public Builder sqsClient(SqsAsyncClient sqsClient) {
      settings.sqs = sqsClient;
      return this;
    }

    /**
     * The name prefix of the reply queue {@link #start()} creates; default {@value
     * ReplyQueueSweeper#DEFAULT_PREFIX}. 1..60 of {@code [A-Za-z0-9_-]}.
     */
    public Builder replyQueuePrefix(String prefix) {
      settings.replyQueuePrefix = prefix;
      return this;
    }

    /**
     * An existing queue of the application's to receive replies on, instead of one the requester
     * creates: it is neither tagged, nor heartbeated, nor deleted, and no other process may read
     * it.
     */
    public Builder replyQueueUrl(String replyQueueUrl) {
      settings.replyQueueUrl = replyQueueUrl;
      return this;
    }

    /** The owner tag of the created reply queue; default {@code pid@host}. */
    public Builder owner(String owner) {
      settings.owner = owner;
      return this;
    }

    /** The timeout of requests sent without one; default 30 s; 1 ms..12 h. */
    public Builder defaultTimeout(Duration timeout) {
      settings.defaultTimeout = timeout;
      return this;
    }

    /** Long-poll loops on the reply queue; default 2; 1..16. */
    public Builder pollers(int pollers) {
      settings.pollers = pollers;
      return this;
    }

    /** The long-poll wait of each receive; default 20 s; whole seconds 1..20. */
    public Builder waitTime(Duration waitTime) {
      settings.waitTime = waitTime;
      return this;
    }

    /** How often the heartbeat tag is refreshed; default 1 min; 1 s..1 h. */
    public Builder heartbeatInterval(Duration interval) {
      settings.heartbeatInterval = interval;
      return this;
    }

    /**
     * How often this requester sweeps the idle reply queues with its prefix; default zero (never).
     */
    public Builder sweepInterval(Duration interval) {
      settings.sweepInterval = interval;
      return this;
    }

    /**
     * How long a reply queue's heartbeat may be stale before this requester's sweeps delete it;
     * default 5 min; more than twice {@code heartbeatInterval}.
     */
    public Builder sweepIdleAfter(Duration idleAfter) {
      settings.sweepIdleAfter = idleAfter;
      return this;
    }

    /**
     * How long an answered or abandoned request is remembered, so that its later replies are told
     * apart (duplicate, late) from unknown ones; default 15 min; at most 100,000 are remembered.
     */
    public Builder replyMemory(Duration memory) {
      settings.replyMemory = memory;
      return this;
    }

    /**
     * How long a read reply's delete may wait for others to fill a {@code DeleteMessageBatch} (10
     * entries send at once); default 200 ms; 0..10 s, zero sends each receive's deletes at once.
     * The reply is delivered before its delete is sent; one that comes back because the delete was
     * late or failed is dropped by its correlation id. The reply queue the requester creates has a
     * {@code VisibilityTimeout} of 60 s; keep an application-named queue's well above the interval
     * ({@link #start()} warns below 5 × the interval + 1 s).
     */
    public Builder deleteInterval(Duration interval) {
      settings.deleteInterval = interval;
      return this;
    }

    /**
     * Where futures are completed. By default a reply completes its future on the thread that
     * received it (the SQS client's future-completion executor, where the client's own futures
     * complete), with no hand-over; a failed send on the thread that saw it fail; timeouts and
     * {@link #close()} on {@link ForkJoinPool#commonPool()}. A dependent stage that blocks then
     * holds up the replies received with its own: give an executor to run every completion on it.
     */
    public Builder callbackExecutor(Executor executor) {
      settings.callbackExecutor = executor;
      return this;
    }

    /**
     * Publishes {@code sqsx.requests.*} meters (Micrometer must be on the class path).
     *
     * @see RequesterMeters
     */
    public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry meterRegistry) {
      settings.meterRegistry = meterRegistry;
      return this;
    }

    /** The clock of the heartbeat timestamps; default the system UTC clock. */
    public Builder clock(Clock clock) {
      settings.clock = clock;
      return this;
    }

    /**
     * Checks every option and builds a requester (not started).
     *
     * @throws IllegalArgumentException naming the option, the value and the rule
     */
    public SqsRequester build() {
      return new SqsRequester(settings.checked());
    }
  }
}
