/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.MessageObserver.Outcome;
import dev.sqsx.consumer.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settlement core: what happens to a message once its handler ran, or when it may not run —
 * written once for every runner ({@code SqsConsumer} and sqsx-lambda's {@code LambdaConsumer}); the
 * runner supplies only the {@link Effects}: how a delete, a retry, a dead letter or a release is
 * carried out where it runs.
 *
 * <ul>
 *   <li>A success whose lease is still held is deleted (Lambda: reported successful). A success
 *       whose lease was lost, or ran out, is not deleted — it comes back — and holds its FIFO group
 *       as a failure does: the group's later messages must not be deleted before it.
 *   <li>A failure is retried after the retry policy's delay (Lambda: reported failed); a
 *       non-retryable failure, or the last attempt the redrive policy allows, is dead-lettered with
 *       its reason when there is a DLQ, and retried when the dead letter could not be sent. A
 *       failure holds its FIFO group: the group's waiting messages are released unhandled.
 *   <li>The guards live here: a {@code nonRetryable} predicate that throws counts as "retryable"
 *       (logged); a message whose lease ended, or whose maximum processing time passed, while it
 *       waited (or while the gate held it) is not started; whatever else fails while settling
 *       leaves the message to its visibility timeout, never lost.
 * </ul>
 *
 * <p>Thread-safe as far as its {@link Effects} are. Never throws.
 */
public final class Settlement {

  private static final Logger LOG = LoggerFactory.getLogger(Settlement.class);

  /**
   * The runner's half of a settlement: how each decision is carried out. Implementations must not
   * block for long (the consumer calls them on handler threads and SDK callbacks).
   */
  public interface Effects {

    /** Deletes a handled message (Lambda: reports it successful). */
    void delete(Lease lease);

    /**
     * The runner lets go of a message it will not delete itself (heartbeat, counts): called once
     * before {@link #retry}, {@link #deadLetter} or {@link #keep}.
     */
    default void letGo(Lease lease) {}

    /** Makes a failed message visible again after {@code delay} (Lambda: reports it failed). */
    void retry(Lease lease, Duration delay);

    /**
     * Moves a failed message to the DLQ with its reason; completes with true once it is moved (the
     * original deleted, or reported done), false when it stays. Null when there is no DLQ.
     */
    CompletableFuture<Boolean> deadLetter(Lease lease, Throwable error);

    /**
     * Neither deletes nor retries the message: it comes back when its visibility ends (its lease
     * was lost or ran out, {@code started} or not). Lambda: reports it failed.
     */
    void keep(Lease lease, boolean started, String reason);

    /**
     * Makes messages that will not run (now) visible again at once; Lambda: reports them failed.
     */
    void release(List<Lease> leases);

    /**
     * Tells the runner's waiting line that {@code lease} is done; {@code holdGroup} holds its FIFO
     * group. Returns the group's waiting messages to release (they must not run before it).
     */
    List<Lease> finish(Lease lease, boolean holdGroup);

    /**
     * Whether {@code lease}'s FIFO group is held by an earlier message of the same run (a batch
     * handler ran them together): then even its success is not deleted.
     */
    default boolean groupHeld(Lease lease) {
      return false;
    }

    /**
     * The settlement of {@code lease} is over, however it went (the consumer gives its permit back
     * here, once per lease, see {@link Lease#returnPermit()}).
     */
    default void settled(Lease lease) {}
  }

  private final RetryPolicy retry;
  private final Predicate<Throwable> nonRetryable;
  private final Clock clock;
  private final Effects effects;
  private final long startMarginMillis;
  private final long maxProcessingMillis;

  /**
   * @param startMargin how much of its lease a message must have left to start (Lambda: the timeout
   *     margin, so that nothing starts that cannot finish before the invocation's end)
   * @param maxProcessingTime how long after its receive a message may still start (the consumer's
   *     maximum processing time, the heartbeat's and the async time limit's clock), or null for no
   *     such limit
   */
  public Settlement(
      RetryPolicy retry,
      Predicate<Throwable> nonRetryable,
      Clock clock,
      Effects effects,
      Duration startMargin,
      Duration maxProcessingTime) {
    this.retry = retry;
    this.nonRetryable = nonRetryable;
    this.clock = clock;
    this.effects = effects;
    this.startMarginMillis = startMargin.toMillis();
    this.maxProcessingMillis = maxProcessingTime == null ? 0 : maxProcessingTime.toMillis();
  }

  /**
   * Whether a message may start now: its lease is still held for at least the start margin (it did
   * not end while the message waited, or while the gate held it), the heartbeat has not given it up
   * (its maximum processing time since the receive has passed: started now, it would have neither
   * time nor heartbeat left), and its FIFO group is not held. Checks only; a message that may not
   * start goes to {@link #notStarted}.
   */
  public boolean mayStart(Lease lease, long nowMillis) {
    return timeLeft(lease, nowMillis) && !effects.groupHeld(lease);
  }

  /** Whether the message has lease and processing time left to start now. */
  private boolean timeLeft(Lease lease, long nowMillis) {
    return !pastMaxProcessing(lease, nowMillis)
        && lease.held(saturatedAdd(nowMillis, startMarginMillis));
  }

  /** Whether the heartbeat gave the message up, or its maximum processing time has passed. */
  private boolean pastMaxProcessing(Lease lease, long nowMillis) {
    return lease.abandoned()
        || (maxProcessingMillis > 0 && nowMillis >= lease.receivedAtMillis() + maxProcessingMillis);
  }

  /** Why a message may not start, when it has no time left. */
  private String noTimeLeft(Lease lease, long nowMillis) {
    if (lease.lost()) {
      return "lease lost";
    }
    if (pastMaxProcessing(lease, nowMillis)) {
      return "past its maximum processing time";
    }
    return lease.held(nowMillis) ? "too little of its lease left" : "its lease ended";
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  /**
   * Settles a message that {@link #mayStart} refused: one whose lease ended is kept (SQS delivers
   * it again; running it here could run it twice) and holds its group; one whose group is held is
   * released.
   */
  public void notStarted(Lease lease) {
    guarded(
        lease,
        () -> {
          long now = clock.millis();
          if (timeLeft(lease, now)) {
            releaseBehindItsGroup(lease);
            return;
          }
          String why = noTimeLeft(lease, now);
          LOG.warn(
              "message {} from {} not started ({}): SQS delivers it again",
              lease.messageId(),
              lease.received().queueUrl(),
              why);
          keep(lease, false, "not started: " + why);
        });
  }

  /** Settles a message whose handler ran: succeeded when {@code error} is null. */
  public void settle(Lease lease, Throwable error) {
    guarded(
        lease,
        () -> {
          if (error == null) {
            succeeded(lease);
          } else {
            failed(lease, error);
          }
        });
  }

  private void succeeded(Lease lease) {
    if (effects.groupHeld(lease)) {
      // its group's earlier message failed in the same run: deleting it would overtake that one
      releaseBehindItsGroup(lease);
      return;
    }
    if (lease.held(clock.millis())) {
      effects.finish(lease, false);
      effects.delete(lease);
      return;
    }
    String why = lease.lost() ? "lost" : "past its visibility deadline";
    LOG.warn(
        "message {} from {} was handled, but its lease was {}: not deleting it; it will be"
            + " redelivered",
        lease.messageId(),
        lease.received().queueUrl(),
        why);
    keep(lease, true, "lease " + why);
  }

  /** Neither deleted nor retried: it comes back when its visibility ends; its group is held. */
  private void keep(Lease lease, boolean started, String reason) {
    effects.letGo(lease);
    holdGroup(lease);
    effects.keep(lease, started, reason);
    lease.settled(Outcome.NOT_DELETED, reason);
  }

  /**
   * A message whose FIFO group is held by an earlier one: released unrun (or undeleted), its place
   * kept behind the message that holds the group.
   */
  private void releaseBehindItsGroup(Lease lease) {
    effects.release(List.of(lease));
    holdGroup(lease);
  }

  private void failed(Lease lease, Throwable error) {
    lease.failed(error);
    effects.letGo(lease);
    holdGroup(lease);
    LOG.warn(
        "handler failed for message {} from {} (attempt {}): {}",
        lease.messageId(),
        lease.received().queueUrl(),
        lease.received().attempt(),
        error.toString());
    boolean permanent = permanent(lease, error);
    boolean last = lease.received().isLastAttempt();
    if (permanent || last) {
      CompletableFuture<Boolean> moved = effects.deadLetter(lease, error);
      if (moved != null) {
        Async.whenComplete(
            moved,
            (done, sendError) -> {
              if (!Boolean.TRUE.equals(done)) {
                retryLater(lease);
              }
            },
            "dead-lettering a message");
        return;
      }
      LOG.error(
          "message {} from {} failed {} and there is no dead-letter queue (no redrive policy, none"
              + " configured): it is retried until SQS retention drops it",
          lease.messageId(),
          lease.received().queueUrl(),
          permanent ? "with a non-retryable error" : "its last attempt");
    }
    retryLater(lease);
  }

  /** Whether the user's predicate calls {@code error} non-retryable; a throwing one says no. */
  private boolean permanent(Lease lease, Throwable error) {
    try {
      return nonRetryable.test(error);
    } catch (RuntimeException e) {
      LOG.warn(
          "the nonRetryable predicate threw on message {} from {} ({}): treated as retryable",
          lease.messageId(),
          lease.received().queueUrl(),
          e.toString());
      return false;
    }
  }

  private void retryLater(Lease lease) {
    effects.retry(lease, retry.delayAfter(lease.received().attempt()));
  }

  private void holdGroup(Lease lease) {
    List<Lease> later = effects.finish(lease, true);
    if (!later.isEmpty()) {
      effects.release(later);
    }
  }

  /** Runs one settlement step; whatever fails in it leaves the message to its visibility. */
  private void guarded(Lease lease, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      LOG.warn(
          "could not settle message {} from {} (it becomes visible when its visibility ends): {}",
          lease.messageId(),
          lease.received().queueUrl(),
          e.toString());
      lease.settled(Outcome.RETRIED, "could not settle, left to its visibility timeout: " + e);
    } finally {
      effects.settled(lease);
    }
  }
}
