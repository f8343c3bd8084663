package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.BatchOutcome;
import dev.sqsx.consumer.MessageObserver.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a message once its handler has run: the gate hears the outcome; a success goes to
 * the delete batcher (unless its lease was lost or ran out); a failure to the failure policy; a
 * failed FIFO message's waiting group is released; and the permit goes back, whatever fails on the
 * way.
 */
final class Settlement {

  private static final Logger LOG = LoggerFactory.getLogger(Settlement.class);

  private final String queueUrl;
  private final VisibilityHeartbeat heartbeat;
  private final DeleteBatcher deletes;
  private final FailurePolicy failures;
  private final HandlerGate gate;
  private final Counters counters;
  private final Clock clock;
  private final Permits permits;
  private final Releases releases;
  private final Duration maxProcessingTime;
  private final BiFunction<Lease, Boolean, List<Lease>> line;

  /**
   * @param line tells the waiting line a message finished (succeeded or not), under the
   *     dispatcher's lock; returns the group's waiting messages to release
   */
  Settlement(
      String queueUrl,
      VisibilityHeartbeat heartbeat,
      DeleteBatcher deletes,
      FailurePolicy failures,
      HandlerGate gate,
      Counters counters,
      Clock clock,
      Permits permits,
      Releases releases,
      Duration maxProcessingTime,
      BiFunction<Lease, Boolean, List<Lease>> line) {
    this.queueUrl = queueUrl;
    this.heartbeat = heartbeat;
    this.deletes = deletes;
    this.failures = failures;
    this.gate = gate;
    this.counters = counters;
    this.clock = clock;
    this.permits = permits;
    this.releases = releases;
    this.maxProcessingTime = maxProcessingTime;
    this.line = line;
  }

  /** Reports the run to the gate and settles each lease (delete, or the failure policy). */
  void settle(List<Lease> leases, long started, BatchOutcome outcome, Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
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
      Throwable failure = cause != null ? cause : outcome.failureOf(lease.messageId()).orElse(null);
      finish(lease, failure);
    }
  }

  /** Settles one message; whatever fails on the way, its permit is given back. */
  void finish(Lease lease, Throwable error) {
    List<Lease> released = List.of();
    try {
      counters.handled(error == null, System.nanoTime() - lease.startedAtNanos());
      released = line.apply(lease, error == null);
      if (error == null) {
        succeeded(lease);
      } else {
        lease.failed(error);
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
      lease.settled(Outcome.RETRIED, "could not settle, left to its visibility timeout: " + e);
    } finally {
      if (!released.isEmpty()) {
        Async.detach(releases.release(released), "releasing the rest of a failed FIFO group");
      }
      permits.release(1);
    }
  }

  private void succeeded(Lease lease) {
    if (lease.held(clock.millis())) {
      deletes.add(lease);
      return;
    }
    heartbeat.untrack(lease);
    counters.finished(1);
    String why = lease.lost() ? "lost" : "past its visibility deadline";
    LOG.warn(
        "message {} from {} was handled, but its lease was {}: not deleting it; it will be"
            + " redelivered",
        lease.messageId(),
        queueUrl,
        why);
    lease.settled(Outcome.NOT_DELETED, "lease " + why);
  }
}
