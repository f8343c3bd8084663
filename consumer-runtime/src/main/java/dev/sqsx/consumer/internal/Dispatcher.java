package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.ReceivedMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Hands received messages to the handler: at most {@code concurrency} runs at once (for a batch
 * handler, batches of up to 10), in the order the waiting line allows (arrival order, or one at a
 * time per FIFO group). The gate may refuse a start (breaker open, rate limit): the message goes
 * back to the head of the line, still held (heartbeated), and no message starts until the gate's
 * delay has passed — a postponement costs no receive and no visibility change. A finished message
 * goes to the delete batcher on success and to the failure policy on failure, and gives its permit
 * back. On shutdown, waiting messages are released (visibility 0) without being handled.
 */
public final class Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final int BATCH = 10;

  private final String queueUrl;
  private final Handlers handler;
  private final Executor executor;
  private final int concurrency;
  private final Permits permits;
  private final VisibilityHeartbeat heartbeat;
  private final DeleteBatcher deletes;
  private final FailurePolicy failures;
  private final HandlerGate gate;
  private final Counters counters;
  private final Clock clock;
  private final int visibilityTimeoutSeconds;
  private final Supplier<Integer> maxReceiveCount;
  private final Duration maxProcessingTime;

  private final Object lock = new Object();
  private final WaitingLine line;
  private final GatePause pause;
  private final boolean fifo;

  private final FifoBlocks blocks = new FifoBlocks();
  private final Releases releases;

  private int running;
  private boolean accepting = true;
  private CompletableFuture<Void> idle;

  public Dispatcher(
      String queueUrl,
      Handlers handler,
      Executor executor,
      int concurrency,
      boolean fifo,
      Permits permits,
      VisibilityHeartbeat heartbeat,
      VisibilityChanger visibility,
      DeleteBatcher deletes,
      FailurePolicy failures,
      HandlerGate gate,
      Counters counters,
      Clock clock,
      int visibilityTimeoutSeconds,
      Supplier<Integer> maxReceiveCount,
      Duration maxProcessingTime,
      ScheduledExecutorService scheduler) {
    this.queueUrl = queueUrl;
    this.handler = handler;
    this.executor = executor;
    this.concurrency = concurrency;
    this.line = fifo ? WaitingLine.byGroup() : WaitingLine.inOrder();
    this.fifo = fifo;
    this.permits = permits;
    this.heartbeat = heartbeat;
    this.deletes = deletes;
    this.failures = failures;
    this.gate = gate;
    this.counters = counters;
    this.clock = clock;
    this.visibilityTimeoutSeconds = visibilityTimeoutSeconds;
    this.maxReceiveCount = maxReceiveCount;
    this.maxProcessingTime = maxProcessingTime;
    this.pause = new GatePause(scheduler, this::drain);
    this.releases = new Releases(queueUrl, heartbeat, visibility, counters, permits);
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
        releases.release(leasesOf(behind, receivedAtMillis)), accept(toRun, receivedAtMillis));
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
    synchronized (lock) {
      accepted = accepting;
      if (accepted) {
        leases.forEach(line::add);
      }
    }
    if (!accepted) {
      return releases.release(leases);
    }
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

  private void drain() {
    while (true) {
      List<Lease> next = new ArrayList<>();
      List<Lease> expired = new ArrayList<>();
      List<Lease> releasedWithThem = new ArrayList<>();
      boolean startNow;
      synchronized (lock) {
        if (!accepting || running >= concurrency || pause.closed()) {
          return;
        }
        int size = handler.batch() == null ? 1 : BATCH;
        long now = clock.millis();
        Lease lease;
        while (next.size() < size && (lease = line.next()) != null) {
          if (lease.held(now)) {
            next.add(lease);
          } else {
            // Its visibility ended while it waited (lost, or past the maximum processing time):
            // SQS hands it out again, so running it here could run it twice. A FIFO group's later
            // messages wait for it, as after a failure.
            expired.add(lease);
            releasedWithThem.addAll(line.finished(lease, false));
          }
        }
        startNow = !next.isEmpty();
        if (startNow) {
          running++;
        }
      }
      expired.forEach(this::expiredWhileWaiting);
      if (!releasedWithThem.isEmpty()) {
        Async.detach(releases.release(releasedWithThem), "releasing the rest of a FIFO group");
      }
      if (!startNow) {
        if (expired.isEmpty()) {
          return;
        }
        continue;
      }
      start(next);
    }
  }

  private void expiredWhileWaiting(Lease lease) {
    heartbeat.untrack(lease);
    counters.expiredWaiting();
    counters.finished(1);
    permits.release(1);
    LOG.warn(
        "message {} from {} waited past its visibility ({}): not started, SQS delivers it again",
        lease.messageId(),
        queueUrl,
        lease.lost() ? "lease lost" : "maximum processing time");
  }

  private void start(List<Lease> leases) {
    leases.forEach(Lease::markStarted);
    try {
      executor.execute(() -> run(leases));
    } catch (RejectedExecutionException e) {
      leases.forEach(lease -> finish(lease, e));
      slotFreed();
    }
  }

  private void run(List<Lease> leases) {
    Duration postpone;
    try {
      postpone = gate.admit();
    } catch (RuntimeException e) {
      postpone = null;
      LOG.warn("handler gate of {} failed, running the handler: {}", queueUrl, e.toString());
    }
    if (postpone != null) {
      try {
        hold(leases, postpone);
      } finally {
        slotFreed();
      }
      return;
    }
    long started = System.nanoTime();
    Async.whenComplete(
        handler
            .invoke(leases)
            .toCompletableFuture()
            // still running after the maximum processing time: a failure
            .orTimeout(Math.max(1, maxProcessingTime.toMillis()), TimeUnit.MILLISECONDS),
        (outcome, error) -> {
          try {
            Throwable cause =
                error instanceof CompletionException && error.getCause() != null
                    ? error.getCause()
                    : error;
            if (cause instanceof TimeoutException) {
              cause =
                  new TimeoutException(
                      "the handler did not complete within the maximum processing time of "
                          + maxProcessingTime);
            }
            try {
              gate.completed(System.nanoTime() - started, cause);
            } catch (RuntimeException e) {
              LOG.warn("handler gate of {} failed: {}", queueUrl, e.toString());
            }
            for (Lease lease : leases) {
              Throwable failure =
                  cause != null ? cause : outcome.failureOf(lease.messageId()).orElse(null);
              finish(lease, failure);
            }
          } finally {
            slotFreed();
          }
        },
        "finishing a message");
  }

  /** Settles one message; whatever fails on the way, its permit is given back. */
  private void finish(Lease lease, Throwable error) {
    List<Lease> released = List.of();
    try {
      counters.handled(error == null, System.nanoTime() - lease.startedAtNanos());
      synchronized (lock) {
        released = line.finished(lease, error == null);
      }
      if (error == null) {
        succeeded(lease);
      } else {
        heartbeat.untrack(lease);
        counters.finished(1);
        LOG.warn(
            "handler failed for message {} from {} (attempt {}): {}",
            lease.messageId(),
            queueUrl,
            lease.received().attempt(),
            error.toString());
        failures.onFailure(lease, error);
      }
    } catch (RuntimeException e) {
      // e.g. a user's nonRetryable predicate that throws: the message is left to its visibility
      LOG.warn(
          "could not settle message {} from {} (it becomes visible when its visibility ends): {}",
          lease.messageId(),
          queueUrl,
          e.toString());
    } finally {
      if (!released.isEmpty()) {
        Async.detach(releases.release(released), "releasing the rest of a failed FIFO group");
      }
      permits.release(1);
    }
  }

  /**
   * The gate refused to start these messages: they go back to the head of the line, still held (the
   * heartbeat keeps extending them), and nothing starts until {@code delay} has passed.
   */
  private void hold(List<Lease> leases, Duration delay) {
    synchronized (lock) {
      for (int i = leases.size() - 1; i >= 0; i--) {
        line.putBack(leases.get(i));
      }
      pause.closeFor(delay);
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

  private void succeeded(Lease lease) {
    if (lease.held(clock.millis())) {
      deletes.add(lease);
      return;
    }
    heartbeat.untrack(lease);
    counters.finished(1);
    LOG.warn(
        "message {} from {} was handled, but its lease was {}: not deleting it; it will be"
            + " redelivered",
        lease.messageId(),
        queueUrl,
        lease.lost() ? "lost" : "past its visibility deadline");
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
    return releases.release(unstarted).thenCompose(released -> done);
  }

  /** Handler runs in progress now. */
  public int running() {
    synchronized (lock) {
      return running;
    }
  }
}
