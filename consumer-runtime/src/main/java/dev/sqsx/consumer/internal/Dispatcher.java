package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.AsyncMessageHandler;
import dev.sqsx.consumer.ReceivedMessage;
import java.time.Clock;
import java.util.ArrayDeque;
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
 * Hands received messages to the handler, at most {@code concurrency} at a time; the rest wait
 * (prefetched, under the heartbeat). A finished message goes to the delete batcher on success and
 * to the failure policy on failure, and gives its permit back. On shutdown, waiting messages are
 * released (visibility 0) without being handled.
 */
public final class Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final String queueUrl;
  private final AsyncMessageHandler handler;
  private final Executor executor;
  private final int concurrency;
  private final Permits permits;
  private final VisibilityHeartbeat heartbeat;
  private final VisibilityChanger visibility;
  private final DeleteBatcher deletes;
  private final FailurePolicy failures;
  private final Counters counters;
  private final Clock clock;
  private final int visibilityTimeoutSeconds;
  private final Supplier<Integer> maxReceiveCount;

  private final Object lock = new Object();
  private final ArrayDeque<Lease> waiting = new ArrayDeque<>();
  private int running;
  private boolean accepting = true;
  private CompletableFuture<Void> idle;

  public Dispatcher(
      String queueUrl,
      AsyncMessageHandler handler,
      Executor executor,
      int concurrency,
      Permits permits,
      VisibilityHeartbeat heartbeat,
      VisibilityChanger visibility,
      DeleteBatcher deletes,
      FailurePolicy failures,
      Counters counters,
      Clock clock,
      int visibilityTimeoutSeconds,
      Supplier<Integer> maxReceiveCount) {
    this.queueUrl = queueUrl;
    this.handler = handler;
    this.executor = executor;
    this.concurrency = concurrency;
    this.permits = permits;
    this.heartbeat = heartbeat;
    this.visibility = visibility;
    this.deletes = deletes;
    this.failures = failures;
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
        waiting.addAll(leases);
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
      Lease next;
      synchronized (lock) {
        if (!accepting || running >= concurrency || waiting.isEmpty()) {
          return;
        }
        next = waiting.poll();
        running++;
      }
      start(next);
    }
  }

  private void start(Lease lease) {
    lease.markStarted();
    try {
      executor.execute(() -> invoke(lease));
    } catch (RejectedExecutionException e) {
      finish(lease, e);
    }
  }

  private void invoke(Lease lease) {
    CompletionStage<Void> stage;
    try {
      stage = handler.handle(lease.received());
      if (stage == null) {
        stage = CompletableFuture.failedFuture(new NullPointerException("handler returned null"));
      }
    } catch (Throwable t) {
      stage = CompletableFuture.failedFuture(t);
    }
    Async.whenComplete(stage, (ignored, error) -> finish(lease, error), "finishing a message");
  }

  private void finish(Lease lease, Throwable error) {
    try {
      Throwable cause =
          error instanceof CompletionException && error.getCause() != null
              ? error.getCause()
              : error;
      counters.handled(cause == null, System.nanoTime() - lease.startedAtNanos());
      if (cause == null) {
        succeeded(lease);
      } else {
        heartbeat.untrack(lease);
        counters.finished(1);
        LOG.warn(
            "handler failed for message {} from {} (attempt {}): {}",
            lease.messageId(),
            queueUrl,
            lease.received().attempt(),
            cause.toString());
        failures.onFailure(lease, cause);
      }
    } finally {
      CompletableFuture<Void> nowIdle = null;
      synchronized (lock) {
        running--;
        if (idle != null && running == 0) {
          nowIdle = idle;
        }
      }
      permits.release(1);
      if (nowIdle != null) {
        nowIdle.complete(null);
      }
      drain();
    }
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
      unstarted = new ArrayList<>(waiting);
      waiting.clear();
      idle = new CompletableFuture<>();
      done = idle;
      if (running == 0) {
        idle.complete(null);
      }
    }
    return release(unstarted).thenCompose(released -> done);
  }

  /** Handlers running now. */
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
