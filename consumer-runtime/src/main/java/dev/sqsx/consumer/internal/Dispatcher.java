package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.AsyncMessageHandler;
import dev.sqsx.consumer.BatchMessageHandler;
import dev.sqsx.consumer.BatchOutcome;
import dev.sqsx.consumer.ReceivedMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Hands received messages to the handler: at most {@code concurrency} runs at once (for a batch
 * handler, batches of up to 10), in the order the waiting line allows (arrival order, or one at a
 * time per FIFO group). The gate may refuse a start (breaker open, rate limit): the message is put
 * back unhandled. A finished message goes to the delete batcher on success and to the failure
 * policy on failure, and gives its permit back. On shutdown, waiting messages are released
 * (visibility 0) without being handled.
 */
public final class Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final int BATCH = 10;

  /** The handler in one of its two shapes. */
  public record Handler(AsyncMessageHandler single, BatchMessageHandler batch) {}

  private final String queueUrl;
  private final Handler handler;
  private final Executor executor;
  private final int concurrency;
  private final Permits permits;
  private final VisibilityHeartbeat heartbeat;
  private final VisibilityChanger visibility;
  private final DeleteBatcher deletes;
  private final FailurePolicy failures;
  private final HandlerGate gate;
  private final Counters counters;
  private final Clock clock;
  private final int visibilityTimeoutSeconds;
  private final Supplier<Integer> maxReceiveCount;

  private final Object lock = new Object();
  private final WaitingLine line;
  private int running;
  private boolean accepting = true;
  private CompletableFuture<Void> idle;

  public Dispatcher(
      String queueUrl,
      Handler handler,
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
      Supplier<Integer> maxReceiveCount) {
    this.queueUrl = queueUrl;
    this.handler = handler;
    this.executor = executor;
    this.concurrency = concurrency;
    this.line = fifo ? WaitingLine.byGroup() : WaitingLine.inOrder();
    this.permits = permits;
    this.heartbeat = heartbeat;
    this.visibility = visibility;
    this.deletes = deletes;
    this.failures = failures;
    this.gate = gate;
    this.counters = counters;
    this.clock = clock;
    this.visibilityTimeoutSeconds = visibilityTimeoutSeconds;
    this.maxReceiveCount = maxReceiveCount;
  }

  /**
   * Takes the messages of one receive (their permits are already taken).
   *
   * @param receivedAtMillis when the receive's answer arrived: the visibility deadline counts from
   *     there (SQS starts it when it hands the messages out, just before answering; the heartbeat's
   *     margin covers the difference)
   */
  public void accept(List<Message> messages, long receivedAtMillis) {
    if (messages.isEmpty()) {
      return;
    }
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
    boolean accepted;
    synchronized (lock) {
      accepted = accepting;
      if (accepted) {
        leases.forEach(line::add);
      }
    }
    if (!accepted) {
      Async.detach(release(leases), "releasing messages received during shutdown");
      return;
    }
    drain();
  }

  private void drain() {
    while (true) {
      List<Lease> next = new ArrayList<>();
      synchronized (lock) {
        if (!accepting || running >= concurrency) {
          return;
        }
        int size = handler.batch() == null ? 1 : BATCH;
        Lease lease;
        while (next.size() < size && (lease = line.next()) != null) {
          next.add(lease);
        }
        if (next.isEmpty()) {
          return;
        }
        running++;
      }
      start(next);
    }
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
      for (Lease lease : leases) {
        putBack(lease, postpone);
      }
      slotFreed();
      return;
    }
    long started = System.nanoTime();
    Async.whenComplete(
        invoke(leases),
        (outcome, error) -> {
          Throwable cause = unwrap(error);
          gate.completed(System.nanoTime() - started, cause);
          for (Lease lease : leases) {
            Throwable failure =
                cause != null ? cause : outcome.failureOf(lease.messageId()).orElse(null);
            finish(lease, failure);
          }
          slotFreed();
        },
        "finishing a message");
  }

  private CompletionStage<BatchOutcome> invoke(List<Lease> leases) {
    try {
      if (handler.batch() != null) {
        List<ReceivedMessage> messages = new ArrayList<>(leases.size());
        leases.forEach(lease -> messages.add(lease.received()));
        BatchOutcome outcome = handler.batch().handle(messages);
        return CompletableFuture.completedFuture(
            outcome == null ? BatchOutcome.allSucceeded() : outcome);
      }
      CompletionStage<Void> stage = handler.single().handle(leases.get(0).received());
      if (stage == null) {
        return CompletableFuture.failedFuture(new NullPointerException("handler returned null"));
      }
      return stage.thenApply(done -> BatchOutcome.allSucceeded());
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  private void finish(Lease lease, Throwable error) {
    counters.handled(error == null, System.nanoTime() - lease.startedAtNanos());
    List<Lease> released;
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
    if (!released.isEmpty()) {
      Async.detach(release(released), "releasing the rest of a failed FIFO group");
    }
    permits.release(1);
  }

  private void putBack(Lease lease, Duration delay) {
    synchronized (lock) {
      line.finished(lease, true);
    }
    heartbeat.untrack(lease);
    counters.finished(1);
    failures.postpone(lease, delay);
    permits.release(1);
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
    return release(unstarted).thenCompose(released -> done);
  }

  /** Handler runs in progress now. */
  public int running() {
    synchronized (lock) {
      return running;
    }
  }

  /** Makes unstarted messages visible again at once. */
  private CompletableFuture<Void> release(List<Lease> leases) {
    if (leases.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    leases.forEach(heartbeat::untrack);
    return visibility
        .change(leases, lease -> 0)
        .thenAccept(
            outcomes -> {
              for (VisibilityChanger.Outcome outcome : outcomes) {
                if (!outcome.accepted()) {
                  LOG.warn(
                      "could not release message {} from {} ({}); it becomes visible when its"
                          + " visibility timeout ends",
                      outcome.lease().messageId(),
                      queueUrl,
                      outcome.reason());
                }
              }
              counters.released(leases.size());
              counters.finished(leases.size());
              permits.release(leases.size());
            });
  }
}
