/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.ReceiveFailures;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * The long-poll loops. Each loop: take up to 10 free permits (waiting while none is free) → receive
 * that many → give back the permits it did not use → hand the messages on → again. Loop 0 always
 * polls; the others ramp up and down with the queue: polling starts with loop 0 alone, each receive
 * that comes back full lets one more loop poll (so a backlog is reached within a few round trips),
 * and each partial, empty or failed one lets one fewer, so an idle or trickling queue costs one
 * long poll at a time. Every receive counts against the {@link LongPollBudget} of the SQS client:
 * loop 0's always fits (the consumer was admitted with it), another loop's only while the budget
 * has room, else that loop waits for the next full receive. A run of failed receives is kept in the
 * {@link ReceiveHealth} until a receive succeeds, and its warnings are rate-limited ({@link
 * RepeatedWarnings}). While the messages waiting for a handler hold more body than the limit
 * (prefetched large payloads), no loop receives. A failed receive backs off exponentially (capped)
 * and is logged; it never ends the loop. While the gate says so (an open circuit breaker), no loop
 * polls.
 *
 * <p>Stopping does not cancel a pending long poll: SQS answers it anyway (cancelling only drops the
 * answer, and the messages in it would stay invisible for their whole visibility timeout). Each
 * loop ends once its receive has answered and what it returned has been handed on — released
 * (visibility 0) when the dispatcher no longer accepts messages — so {@link #stop()} completes at
 * most a long poll's wait time after it is called. A loop sleeping in its error backoff is woken.
 */
public final class Poller {

  private static final Logger LOG = LoggerFactory.getLogger(Poller.class);
  private static final long MAX_BACKOFF_MILLIS = 10_000;
  private static final long PAUSE_CHECK_MILLIS = 250;
  private static final long FULL_CHECK_MILLIS = 10;

  private final SqsAsyncClient sqs;
  private final String queueUrl;
  private final ReceiveMessageRequest template;
  private final Permits permits;
  private final Dispatcher dispatcher;
  private final HandlerGate gate;
  private final Counters counters;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final int loops;
  private final long waitingLimit;
  private final Set<CompletableFuture<Void>> backoffs = ConcurrentHashMap.newKeySet();
  private final Set<Long> receivesInFlight = ConcurrentHashMap.newKeySet();
  private final AtomicLong receiveIds = new AtomicLong();
  private final Object rampLock = new Object();
  private final List<CompletableFuture<Void>> sleepers = new ArrayList<>();
  private final Set<CompletableFuture<Boolean>> baseTurns = ConcurrentHashMap.newKeySet();
  private final LongPollBudget budget;
  private final int maxLongPolls;
  private final ReceiveHealth health;
  private final RepeatedWarnings warnings;
  private final AtomicInteger loopsRunning = new AtomicInteger();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean running;
  private volatile boolean paused;

  /** How many loops poll now (loops 0..polling-1), 1..loops; guarded by rampLock. */
  private int polling = 1;

  /**
   * Loops over {@code sqs}; {@code receiveRequests} marks every receive request it sends (a
   * consumer's listener for payload failures, so they come back to that consumer).
   */
  public Poller(
      SqsAsyncClient sqs,
      String queueUrl,
      int waitTimeSeconds,
      Integer visibilityTimeoutSeconds,
      Permits permits,
      Dispatcher dispatcher,
      HandlerGate gate,
      Counters counters,
      ScheduledExecutorService scheduler,
      Clock clock,
      int loops,
      long waitingLimit,
      LongPollBudget budget,
      int maxLongPolls,
      ReceiveHealth health,
      UnaryOperator<ReceiveMessageRequest> receiveRequests) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    ReceiveMessageRequest.Builder request =
        ReceiveMessageRequest.builder()
            .queueUrl(queueUrl)
            .waitTimeSeconds(waitTimeSeconds)
            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
            .messageAttributeNames("All");
    if (visibilityTimeoutSeconds != null) {
      request.visibilityTimeout(visibilityTimeoutSeconds);
    }
    this.template = receiveRequests.apply(request.build());
    this.permits = permits;
    this.dispatcher = dispatcher;
    this.gate = gate;
    this.counters = counters;
    this.scheduler = scheduler;
    this.clock = clock;
    this.loops = loops;
    this.waitingLimit = waitingLimit;
    this.budget = budget;
    this.maxLongPolls = maxLongPolls;
    this.health = health;
    this.warnings = new RepeatedWarnings(clock::millis);
  }

  /** Starts the loops. */
  public void start() {
    running = true;
    loopsRunning.set(loops);
    for (int index = 0; index < loops; index++) {
      int loop = index;
      next(loop, 0);
    }
  }

  /**
   * Stops polling. Completes when every loop has ended: its pending receive answered and the
   * messages it returned were handed on (released, once the dispatcher has shut down).
   */
  public CompletableFuture<Void> stop() {
    running = false;
    permits.wakeAll();
    wakeSleepers();
    backoffs.forEach(backoff -> backoff.complete(null));
    baseTurns.forEach(budget::abandon);
    return stopped;
  }

  private void loop(int index, int failures) {
    if (!running) {
      ended();
      return;
    }
    if (gate.pollingPaused()) {
      if (!paused) {
        paused = true;
        LOG.warn("circuit breaker open: pausing polling of {}", queueUrl);
      }
      nextAfter(index, failures, PAUSE_CHECK_MILLIS);
      return;
    }
    if (paused) {
      paused = false;
      LOG.info("circuit breaker no longer open: polling {} again", queueUrl);
    }
    if (dispatcher.waitingChars() >= waitingLimit) {
      // The messages waiting for a handler hold enough body (large resolved payloads): no receive
      // until the handlers have taken some.
      nextAfter(index, failures, FULL_CHECK_MILLIS);
      return;
    }
    if (index > 0 && !mayPoll(index)) {
      sleepThenLoop(index, failures);
      return;
    }
    Async.detach(
        permits
            .acquireUpTo(10)
            .thenAccept(
                granted -> {
                  if (!running || granted == 0) {
                    permits.release(granted);
                    ended();
                    return;
                  }
                  if (gate.pollingPaused() || dispatcher.waitingChars() >= waitingLimit) {
                    // The breaker opened, or the waiting messages grew past the limit, while this
                    // loop waited for permits: no receive now.
                    permits.release(granted);
                    next(index, failures);
                    return;
                  }
                  openReceive(index, granted, failures);
                }),
        "a poll loop");
  }

  /** Takes a place in the client's long-poll budget for this loop's receive, then sends it. */
  private void openReceive(int index, int granted, int failures) {
    if (index > 0) {
      if (budget.tryOpenExtra(maxLongPolls)) {
        receive(index, granted, failures, budget::closeExtra);
      } else {
        // the client's budget is full: this loop waits for the next full receive to try again
        permits.release(granted);
        sleepThenLoop(index, failures);
      }
      return;
    }
    CompletableFuture<Boolean> turn = budget.openBase(maxLongPolls);
    baseTurns.add(turn);
    if (!running) {
      budget.abandon(turn);
    }
    Async.detach(
        turn.thenAccept(
            opened -> {
              baseTurns.remove(turn);
              if (!opened || !running) {
                if (opened) {
                  budget.closeBase();
                }
                permits.release(granted);
                ended();
                return;
              }
              receive(index, granted, failures, budget::closeBase);
            }),
        "a poll loop");
  }

  private void sleepThenLoop(int index, int failures) {
    Async.detach(sleepUntilSignal().thenRun(() -> next(index, failures)), "a poll loop");
  }

  /** The ids of the receives sent and not yet answered (and handed on). */
  public Set<Long> receivesInFlight() {
    return Set.copyOf(receivesInFlight);
  }

  private void receive(int index, int granted, int failures, Runnable closeBudget) {
    long receiveId = receiveIds.incrementAndGet();
    receivesInFlight.add(receiveId);
    CompletableFuture<ReceiveMessageResponse> call;
    try {
      call = sqs.receiveMessage(template.toBuilder().maxNumberOfMessages(granted).build());
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    Async.whenComplete(
        call,
        (response, error) -> {
          closeBudget.run();
          if (error != null) {
            permits.release(granted);
            receivesInFlight.remove(receiveId);
            Async.detach(
                dispatcher.accept(List.of(), clock.millis(), receiveId), "ending a failed receive");
            if (!running) {
              ended();
              return;
            }
            long delay = Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(failures, 10));
            // a failing queue is polled by fewer loops, down to one
            ramp(false);
            receiveFailed(error, delay);
            Async.detach(backoff(delay).thenRun(() -> next(index, failures + 1)), "a poll loop");
            return;
          }
          // Copied (toArray), not iterated: the OpenTelemetry agent's SQS instrumentation makes a
          // "process" span around each step of the first iteration of a received list, which here
          // would time sqsx's bookkeeping; sqsx's own spans (sqsx-tracing) cover the handlers.
          List<Message> messages = List.copyOf(response.messages());
          health.succeeded().ifPresent(this::recovered);
          int received = messages.size();
          counters.receive(received);
          permits.release(granted - received);
          // A full batch suggests more is waiting: one more loop polls; a partial one, one fewer.
          ramp(received > 0 && received == granted);
          Async.detach(
              dispatcher
                  .accept(messages, clock.millis(), receiveId)
                  .handle(
                      (handed, ignored) -> {
                        receivesInFlight.remove(receiveId);
                        return null;
                      })
                  .thenRun(() -> next(index, 0)),
              "a poll loop");
        },
        "receiving from " + queueUrl);
  }

  private void receiveFailed(Throwable error, long delayMillis) {
    counters.receiveFailed();
    ReceiveFailures run = health.failed(error, clock.instant());
    String suffix = warnings.check(run.lastError());
    if (suffix != null) {
      LOG.warn(
          "receive from {} failed ({} in a row since {}), retrying in {} ms: {}{}",
          queueUrl,
          run.count(),
          run.since(),
          delayMillis,
          run.lastError(),
          suffix);
    }
  }

  private void recovered(ReceiveFailures run) {
    long unlogged = warnings.reset();
    LOG.info(
        "receives from {} succeed again after {} failed receive(s) since {} ({} of their warnings"
            + " not logged); the last error was: {}",
        queueUrl,
        run.count(),
        run.since(),
        unlogged,
        run.lastError());
  }

  /** Completes after {@code millis}, or at once when the poller stops. */
  private CompletableFuture<Void> backoff(long millis) {
    CompletableFuture<Void> wake = new CompletableFuture<>();
    backoffs.add(wake);
    Async.schedule(scheduler, () -> wake.complete(null), millis, "a poll loop's backoff");
    if (!running) {
      wake.complete(null);
    }
    return wake.whenComplete((done, error) -> backoffs.remove(wake));
  }

  /**
   * Runs the loop's next step on the scheduler. When the scheduler is shut down already (close()
   * stopped waiting for this loop's receive, which answered later) the loop ends here, so {@link
   * #stop()} still completes and the consumer's place in the long-poll budget is given back.
   */
  private void next(int index, int failures) {
    try {
      scheduler.execute(() -> step(index, failures));
    } catch (RejectedExecutionException e) {
      ended();
    }
  }

  /** {@link #next} after {@code millis}. */
  @SuppressWarnings("FutureReturnValueIgnored") // the step guards itself
  private void nextAfter(int index, int failures, long millis) {
    try {
      scheduler.schedule(() -> step(index, failures), millis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      ended();
    }
  }

  private void step(int index, int failures) {
    try {
      loop(index, failures);
    } catch (RuntimeException e) {
      LOG.error("unexpected failure in a poll loop of {}: {}", queueUrl, e.toString(), e);
    }
  }

  private void ended() {
    if (loopsRunning.decrementAndGet() == 0) {
      stopped.complete(null);
    }
  }

  private boolean mayPoll(int index) {
    synchronized (rampLock) {
      return index < polling;
    }
  }

  private void ramp(boolean full) {
    synchronized (rampLock) {
      polling = full ? Math.min(loops, polling + 1) : Math.max(1, polling - 1);
    }
    if (full) {
      wakeSleepers();
    }
  }

  /** Completes at the next full receive (or when the poller stops). */
  private CompletableFuture<Void> sleepUntilSignal() {
    synchronized (rampLock) {
      if (!running) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> wake = new CompletableFuture<>();
      sleepers.add(wake);
      return wake;
    }
  }

  private void wakeSleepers() {
    List<CompletableFuture<Void>> woken;
    synchronized (rampLock) {
      woken = new ArrayList<>(sleepers);
      sleepers.clear();
    }
    woken.forEach(wake -> wake.complete(null));
  }
}
