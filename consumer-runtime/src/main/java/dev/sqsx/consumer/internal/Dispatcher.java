/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.BatchOutcome;
import dev.sqsx.consumer.MessageObserver;
import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.consumer.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Hands received messages to the handler: at most {@code concurrency} runs at once (for a batch
 * handler, batches of up to 10), in the order the waiting line allows: arrival order; one at a time
 * per FIFO group; or, with {@code maxInFlightPerGroup} on a standard queue, the {@link CappedLine}
 * — arrival order, except that a group already running its cap of messages waits while other
 * groups' messages start, its surplus giving receive permits back so the consumer reads past a
 * flooding tenant. The gate may refuse a start (breaker open, rate limit): the message goes back to
 * the head of the line, still held (heartbeated), and no message starts until the gate's delay has
 * passed — a postponement costs no receive and no visibility change. A run's edges are {@link
 * HandlerRuns}'; what happens to each message after it is the {@link Settlement} core's, carried
 * out by {@link ConsumerEffects}. On shutdown, waiting messages are released (visibility 0) without
 * being handled, and so is a message the gate held when shutdown began.
 */
public final class Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final int BATCH = 10;

  /**
   * Messages waiting behind their group's {@code maxInFlightPerGroup} that may give their receive
   * permit back, per handler slot: how far past a flooding group the consumer reads.
   */
  private static final int PARKED_PER_SLOT = 10;

  /** How long to wait before asking an executor that refused a task again. */
  private static final Duration REJECTED_PAUSE = Duration.ofSeconds(1);

  /** How often {@link #nudge()} should run: how long a message may wait behind a quick handler. */
  public static final long NUDGE_MILLIS = HandlerPace.QUICK_WAIT_MILLIS;

  private final String queueUrl;
  private final Handlers handler;
  private final Executor executor;
  private final int concurrency;
  private final VisibilityHeartbeat heartbeat;
  private final Counters counters;
  private final Clock clock;
  private final int visibilityTimeoutSeconds;
  private final Supplier<Integer> maxReceiveCount;

  private final Object lock = new Object();
  private final MeasuredLine line;

  /** The line itself when {@code maxInFlightPerGroup} is set (standard queues), else null. */
  private final CappedLine capped;

  private final GatePause pause;
  private final boolean fifo;

  private final FifoBlocks blocks = new FifoBlocks();
  private final ConsumerEffects effects;
  private final Settlement settlement;
  private final Settlement unhandled;
  private final HandlerRuns runs;

  private final HandlerPace pace = new HandlerPace();

  private int running;
  private int starting;

  /** Until when no new handler thread is asked for, after the executor refused one. */
  private long refusedUntilNanos;

  private boolean accepting = true;
  private CompletableFuture<Void> idle;

  public Dispatcher(
      String queueUrl,
      Handlers handler,
      Executor executor,
      int concurrency,
      boolean fifo,
      int maxInFlightPerGroup,
      VisibilityHeartbeat heartbeat,
      ConsumerEffects effects,
      RetryPolicy retry,
      Predicate<Throwable> nonRetryable,
      HandlerGate gate,
      Counters counters,
      Clock clock,
      int visibilityTimeoutSeconds,
      Supplier<Integer> maxReceiveCount,
      Duration maxProcessingTime,
      MessageObserver observer,
      ScheduledExecutorService scheduler) {
    this.queueUrl = queueUrl;
    this.handler = handler;
    this.executor = executor;
    this.concurrency = concurrency;
    this.capped =
        !fifo && maxInFlightPerGroup > 0
            ? new CappedLine(maxInFlightPerGroup, PARKED_PER_SLOT * concurrency)
            : null;
    this.line =
        new MeasuredLine(
            fifo ? WaitingLine.byGroup() : capped != null ? capped : WaitingLine.inOrder());
    this.fifo = fifo;
    this.heartbeat = heartbeat;
    this.counters = counters;
    this.clock = clock;
    this.visibilityTimeoutSeconds = visibilityTimeoutSeconds;
    this.maxReceiveCount = maxReceiveCount;
    this.pause = new GatePause(scheduler, this::drain);
    this.effects = effects;
    effects.line(
        (lease, holdGroup) -> {
          synchronized (lock) {
            return line.finished(lease, !holdGroup);
          }
        });
    this.settlement =
        new Settlement(retry, nonRetryable, clock, effects, Duration.ZERO, maxProcessingTime);
    this.unhandled =
        new Settlement(
            retry, nonRetryable, clock, effects.outsideTheLine(), Duration.ZERO, maxProcessingTime);
    this.runs =
        new HandlerRuns(
            queueUrl, handler, gate, counters, settlement, observer, clock, maxProcessingTime);
  }

  /**
   * Takes the messages of one receive (their permits are already taken).
   *
   * @param receivedAtMillis when the receive's answer arrived: the visibility deadline counts from
   *     there (SQS starts it when it hands the messages out, just before answering; the heartbeat's
   *     margin covers the difference)
   * @return completes once the messages are queued, or — after {@link #shutdown()} — released
   */
  public CompletableFuture<Void> accept(
      List<Message> messages, long receivedAtMillis, long receiveId) {
    if (!fifo) {
      return accept(messages, receivedAtMillis);
    }
    List<Message> toRun = new ArrayList<>(messages.size());
    List<Message> behind = new ArrayList<>();
    for (Message message : messages) {
      (blocks.isBehindABlock(message, receiveId) ? behind : toRun).add(message);
    }
    blocks.answered(receiveId);
    if (behind.isEmpty()) {
      return accept(toRun, receivedAtMillis);
    }
    return CompletableFuture.allOf(
        effects.releaseAll(leasesOf(behind, receivedAtMillis)), accept(toRun, receivedAtMillis));
  }

  /**
   * Takes the messages of one receive (their permits are already taken).
   *
   * @see #accept(List, long, long)
   */
  private CompletableFuture<Void> accept(List<Message> messages, long receivedAtMillis) {
    if (messages.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<Lease> leases = leasesOf(messages, receivedAtMillis);
    boolean accepted;
    List<Lease> parked = List.of();
    synchronized (lock) {
      accepted = accepting;
      if (accepted) {
        leases.forEach(line::add);
        if (capped != null) {
          parked = capped.takeNewlyParked();
        }
      }
    }
    if (!accepted) {
      return effects.releaseAll(leases);
    }
    // behind their group's cap: their prefetch places go to other groups' messages meanwhile
    parked.forEach(effects::settled);
    drain();
    return CompletableFuture.completedFuture(null);
  }

  /** Leases for received messages, tracked by the heartbeat from now on. */
  private List<Lease> leasesOf(List<Message> messages, long receivedAtMillis) {
    long deadline = receivedAtMillis + visibilityTimeoutSeconds * 1000L;
    List<Lease> leases = new ArrayList<>(messages.size());
    for (Message message : messages) {
      Lease lease =
          new Lease(
              new ReceivedMessage(message, queueUrl, maxReceiveCount.get()),
              receivedAtMillis,
              deadline);
      heartbeat.track(lease);
      counters.held(lease);
      leases.add(lease);
    }
    return leases;
  }

  /**
   * Holds a FIFO group whose message failed before it was dispatched (its payload could not be
   * resolved): the group's later messages in the receives in flight now are released, not run
   * before it.
   */
  public void blockGroup(Message failed, Set<Long> receivesInFlight) {
    if (fifo) {
      blocks.block(failed, receivesInFlight);
    }
  }

  /**
   * Wakes one more handler thread when messages wait, a slot is free and no thread is on its way
   * already. Threads join one at a time while work waits (each running thread signals again as it
   * takes a message), so a receive of 10 short messages wakes one or two threads, not ten, while
   * slow handlers still spread over every free slot within a few thread wake-ups.
   */
  private void drain() {
    if (!line.anyWaiting()) {
      return; // every add publishes before its own drain() runs, so nothing is missed
    }
    synchronized (lock) {
      if (!accepting
          || pause.closed()
          || System.nanoTime() < refusedUntilNanos
          || starting > 0
          || running >= concurrency
          || line.waiting() == 0) {
        return;
      }
      running++;
      starting++;
    }
    try {
      executor.execute(this::runner);
    } catch (RejectedExecutionException e) {
      // not the messages' failure: they stay in the line, held (heartbeated), and the executor is
      // asked again after a pause (by the nudge) while the threads already running go on taking
      // them; releasing them would use up a receive of each, and the redrive policy would move
      // them to the DLQ without their ever running
      CompletableFuture<Void> nowIdle = null;
      synchronized (lock) {
        starting--;
        running--;
        refusedUntilNanos = System.nanoTime() + REJECTED_PAUSE.toNanos();
        if (idle != null && running == 0) {
          nowIdle = idle;
        }
      }
      if (nowIdle != null) {
        nowIdle.complete(null); // shutdown began meanwhile and waits for no handler
      }
      counters.rejected(1);
      LOG.warn(
          "the handler executor of {} refused a task ({}): the waiting messages stay held, tried"
              + " again in {}",
          queueUrl,
          e.toString(),
          REJECTED_PAUSE);
    }
  }

  /**
   * Wakes a handler thread if messages wait for one: called every {@link #NUDGE_MILLIS} by the
   * consumer's scheduler, so messages behind a quick handler's thread that blocked get another.
   */
  public void nudge() {
    drain();
  }

  /** A woken handler thread: takes what waits (or frees its slot) and runs it. */
  private void runner() {
    synchronized (lock) {
      starting--;
    }
    List<Lease> leases = claim(true);
    if (leases != null) {
      runFrom(leases);
    }
  }

  /**
   * Takes the next message (a batch, for a batch handler) to run and counts its slot; null when
   * nothing starts now. With {@code slotHeld} the caller — a handler thread that has just settled
   * its message — already holds a slot and passes it on; when nothing can start, that slot is
   * freed.
   */
  private List<Lease> claim(boolean slotHeld) {
    boolean holding = slotHeld;
    while (true) {
      List<Lease> next = new ArrayList<>();
      List<Lease> expired = new ArrayList<>();
      CompletableFuture<Void> nowIdle = null;
      synchronized (lock) {
        if (accepting && !pause.closed() && (holding || running < concurrency)) {
          int size = handler.batch() == null ? 1 : BATCH;
          long now = clock.millis();
          Lease lease;
          while (next.size() < size && (lease = line.next()) != null) {
            // one whose lease ended while it waited is not started (it could run twice); its FIFO
            // group stays taken until the settlement below holds it
            (settlement.mayStart(lease, now) ? next : expired).add(lease);
          }
        }
        if (!next.isEmpty() && !holding) {
          running++;
          holding = true;
        } else if (next.isEmpty() && holding && expired.isEmpty()) {
          running--;
          holding = false;
          if (idle != null && running == 0) {
            nowIdle = idle;
          }
        }
      }
      expired.forEach(settlement::notStarted);
      if (nowIdle != null) {
        nowIdle.complete(null);
      }
      if (!next.isEmpty()) {
        next.forEach(Lease::markStarted);
        return next;
      }
      if (expired.isEmpty()) {
        return null;
      }
    }
  }

  /**
   * On a handler thread: runs this slot's message, then — as long as each handler has completed by
   * the time it returns (any synchronous handler) — the next waiting ones, on the same thread: a
   * message handed from the line to a handler costs no thread hop and no executor task.
   */
  private void runFrom(List<Lease> first) {
    List<Lease> leases = first;
    while (leases != null) {
      if (!quick(leases)) {
        drain(); // more waiting: one more thread joins while this one works
      }
      leases = run(leases);
    }
  }

  /**
   * Whether this thread keeps the messages waiting behind {@code next} to itself: single-message
   * handlers that have been quick ({@link HandlerPace}), as long as {@code next} has not waited
   * long (then the line is longer than one thread drains, and another joins).
   */
  private boolean quick(List<Lease> next) {
    return handler.batch() == null && pace.quick(clock.millis() - next.get(0).receivedAtMillis());
  }

  /** Runs the handler; returns the next leases for this slot when it may go on at once. */
  private List<Lease> run(List<Lease> leases) {
    Duration postpone = runs.admit();
    if (postpone != null) {
      try {
        hold(leases, postpone);
      } finally {
        slotFreed();
      }
      return null;
    }
    leases = runs.stillHeld(leases); // the gate may have blocked (a rate limiter's wait)
    if (leases.isEmpty()) {
      return claim(true);
    }
    long started = System.nanoTime();
    CompletableFuture<BatchOutcome> outcome = runs.invoke(leases);
    if (outcome.isDone()) {
      pace.ran(System.nanoTime() - started);
      try {
        runs.settle(leases, started, outcome);
      } catch (RuntimeException | Error e) {
        slotFreed();
        throw e;
      }
      return claim(true);
    }
    pace.ranAsynchronously();
    List<Lease> running = leases;
    Async.whenComplete(
        runs.timeLimited(leases, outcome),
        (value, error) -> {
          try {
            runs.settle(running, started, value, error);
          } finally {
            slotFreed();
          }
        },
        "finishing a message");
    return null;
  }

  /**
   * The gate refused to start these messages: they go back to the head of the line, still held (the
   * heartbeat keeps extending them), and nothing starts until {@code delay} has passed. After
   * shutdown began (the line was drained), they are released instead.
   */
  private void hold(List<Lease> leases, Duration delay) {
    boolean held;
    synchronized (lock) {
      held = accepting;
      if (held) {
        for (int i = leases.size() - 1; i >= 0; i--) {
          line.putBack(leases.get(i));
        }
        pause.closeFor(delay);
      }
    }
    if (!held) {
      effects.release(leases); // close() waits for it with the other settlements
      return;
    }
    leases.forEach(lease -> counters.postponed());
  }

  private void slotFreed() {
    CompletableFuture<Void> nowIdle = null;
    synchronized (lock) {
      running--;
      if (idle != null && running == 0) {
        nowIdle = idle;
      }
    }
    if (nowIdle != null) {
      nowIdle.complete(null);
    }
    drain();
  }

  /**
   * Stops handing out messages, releases the waiting ones, and completes when no handler runs any
   * more.
   */
  public CompletableFuture<Void> shutdown() {
    List<Lease> unstarted;
    CompletableFuture<Void> done;
    synchronized (lock) {
      accepting = false;
      unstarted = line.drainAll();
      idle = new CompletableFuture<>();
      done = idle;
      if (running == 0) {
        idle.complete(null);
      }
    }
    return effects.releaseAll(unstarted).thenCompose(released -> done);
  }

  /** Body characters of the messages waiting for a handler now. */
  public long waitingChars() {
    return line.chars();
  }

  /**
   * Settles a message that failed before it was dispatched (its payload could not be resolved): it
   * was never in the line, holds no permit and was never counted in flight.
   */
  public void unhandled(Lease lease, Throwable error) {
    unhandled.settle(lease, error);
  }

  /** Handler runs in progress now. */
  public int running() {
    synchronized (lock) {
      return running;
    }
  }
}
