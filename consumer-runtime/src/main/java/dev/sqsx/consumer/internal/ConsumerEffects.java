/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * How {@code SqsConsumer} carries out a {@link Settlement}: deletes through the {@link
 * DeleteBatcher}, retries through {@link Backoff} ({@code ChangeMessageVisibility}), dead letters
 * through {@link DeadLetters} (sent by sqsx, then the original deleted), releases at visibility 0;
 * the heartbeat stops and the permit goes back once per message.
 */
public final class ConsumerEffects implements Settlement.Effects {

  private final VisibilityHeartbeat heartbeat;
  private final DeleteBatcher deletes;
  private final Backoff backoff;
  private final Releases releases;
  private final Counters counters;
  private final Permits permits;
  private volatile DeadLetters deadLetters;
  private volatile BiFunction<Lease, Boolean, List<Lease>> line = (lease, hold) -> List.of();

  /** Dead letters being sent and releases being made: shutdown waits for them. */
  private final Set<CompletableFuture<?>> settling = ConcurrentHashMap.newKeySet();

  /**
   * @param deadLetters where to dead-letter, or null when there is no DLQ
   */
  public ConsumerEffects(
      String queueUrl,
      VisibilityHeartbeat heartbeat,
      VisibilityChanger visibility,
      DeleteBatcher deletes,
      Backoff backoff,
      DeadLetters deadLetters,
      Counters counters,
      Permits permits) {
    this.heartbeat = heartbeat;
    this.deletes = deletes;
    this.backoff = backoff;
    this.deadLetters = deadLetters;
    this.counters = counters;
    this.permits = permits;
    this.releases = new Releases(queueUrl, heartbeat, visibility, counters, permits);
  }

  /**
   * The waiting line to tell when a message finished (the dispatcher's, under its lock): returns
   * the waiting messages of a held FIFO group.
   */
  void line(BiFunction<Lease, Boolean, List<Lease>> line) {
    this.line = line;
  }

  /** Sends dead letters to a new DLQ from now on (null: none), after a redrive policy change. */
  public void deadLetters(DeadLetters deadLetters) {
    this.deadLetters = deadLetters;
  }

  /** Releases messages the consumer holds but will not handle (visibility 0). */
  CompletableFuture<Void> releaseAll(List<Lease> leases) {
    return releases.release(leases);
  }

  /**
   * The same effects for a message that never entered the waiting line (its payload could not be
   * resolved): it is in no group's turn, holds no permit and was never counted in flight.
   */
  Settlement.Effects outsideTheLine() {
    ConsumerEffects effects = this;
    return new Settlement.Effects() {
      @Override
      public void delete(Lease lease) {
        effects.delete(lease);
      }

      @Override
      public void retry(Lease lease, Duration delay) {
        effects.retry(lease, delay);
      }

      @Override
      public CompletableFuture<Boolean> deadLetter(Lease lease, Throwable error) {
        return effects.deadLetter(lease, error);
      }

      @Override
      public void keep(Lease lease, boolean started, String reason) {}

      @Override
      public void release(List<Lease> leases) {
        effects.release(leases);
      }

      @Override
      public List<Lease> finish(Lease lease, boolean holdGroup) {
        return List.of();
      }
    };
  }

  @Override
  public void delete(Lease lease) {
    deletes.add(lease);
  }

  @Override
  public void letGo(Lease lease) {
    heartbeat.untrack(lease);
    counters.finished(lease);
  }

  @Override
  public void retry(Lease lease, Duration delay) {
    backoff.delay(lease, delay);
  }

  @Override
  public CompletableFuture<Boolean> deadLetter(Lease lease, Throwable error) {
    DeadLetters target = deadLetters;
    if (target == null) {
      return null;
    }
    CompletableFuture<Boolean> send = target.send(lease, error);
    settling.add(send);
    Async.detach(
        send.whenComplete((moved, sendError) -> settling.remove(send)), "dead-lettering a message");
    return send;
  }

  @Override
  public void keep(Lease lease, boolean started, String reason) {
    if (!started) {
      counters.expiredWaiting();
    }
  }

  @Override
  public void release(List<Lease> leases) {
    CompletableFuture<Void> released = releases.release(leases);
    settling.add(released);
    Async.detach(
        released.whenComplete((done, error) -> settling.remove(released)),
        "releasing messages that will not run now");
  }

  @Override
  public List<Lease> finish(Lease lease, boolean holdGroup) {
    return line.apply(lease, holdGroup);
  }

  @Override
  public void settled(Lease lease) {
    if (lease.returnPermit()) {
      permits.release(1);
    }
  }

  /**
   * Completes when the dead letters being sent, the releases being made and the retry delays asked
   * for so far have been answered (for shutdown).
   */
  public CompletableFuture<Void> settle() {
    return CompletableFuture.allOf(settling.toArray(CompletableFuture[]::new))
        .handle((done, error) -> null)
        .thenCompose(done -> backoff.settle());
  }
}
