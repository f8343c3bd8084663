/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Backpressure as plain permit accounting: one permit per message the consumer may hold (handler
 * slots plus prefetch). A poll asks for a batch (up to 10); it gets the batch at once when that
 * many are free, otherwise it waits — for the full batch up to the fill wait, then for whatever is
 * free (at least one). Polls are served in order, and the fill wait counts from when a poll reaches
 * the head of the line: the polls behind one that was just served wait for their own batch, rather
 * than each taking the next single freed permit because it has waited long already. So a saturated
 * consumer, however many poll loops it has, polls with full batches instead of one message per
 * freed slot. Unused permits and finished messages give theirs back.
 */
public final class Permits {

  private static final class Waiter {
    final int max;
    long deadlineNanos; // under the pool's lock
    final CompletableFuture<Integer> granted = new CompletableFuture<>();

    Waiter(int max, long deadlineNanos) {
      this.max = max;
      this.deadlineNanos = deadlineNanos;
    }
  }

  private final Object lock = new Object();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private final ScheduledExecutorService scheduler;
  private final long fillWaitMillis;
  private int available;

  /** A pool with this many permits that grants batches at once (no fill wait). */
  public Permits(int total) {
    this(total, null, 0);
  }

  /**
   * A pool with this many permits.
   *
   * @param fillWaitMillis how long an acquisition waits for its full batch before taking fewer
   */
  public Permits(int total, ScheduledExecutorService scheduler, long fillWaitMillis) {
    this.available = total;
    this.scheduler = scheduler;
    this.fillWaitMillis = scheduler == null ? 0 : fillWaitMillis;
  }

  /** Completes with 1..max permits (see the class description); with 0 on {@link #wakeAll}. */
  public CompletableFuture<Integer> acquireUpTo(int max) {
    Waiter waiter;
    synchronized (lock) {
      if (waiters.isEmpty() && (available >= max || (available > 0 && fillWaitMillis == 0))) {
        int granted = Math.min(max, available);
        available -= granted;
        return CompletableFuture.completedFuture(granted);
      }
      waiter = new Waiter(max, System.nanoTime() + fillWaitMillis * 1_000_000);
      waiters.add(waiter);
    }
    if (fillWaitMillis > 0) {
      Async.schedule(scheduler, () -> release(0), fillWaitMillis + 1, "granting permits");
    }
    return waiter.granted;
  }

  /** Gives permits back, handing them to waiting polls first. */
  public void release(int count) {
    List<Runnable> grants = new ArrayList<>();
    boolean newHead = false;
    synchronized (lock) {
      available += Math.max(0, count);
      long now = System.nanoTime();
      while (available > 0 && !waiters.isEmpty()) {
        Waiter waiter = waiters.peek();
        boolean full = available >= waiter.max;
        boolean waitedEnough = now - waiter.deadlineNanos >= 0;
        if (!full && !waitedEnough) {
          break;
        }
        waiters.poll();
        int granted = Math.min(waiter.max, available);
        available -= granted;
        grants.add(() -> waiter.granted.complete(granted));
        Waiter next = waiters.peek();
        if (next != null && fillWaitMillis > 0) {
          // the next poll's fill wait starts now: it waits for its own batch
          next.deadlineNanos = Math.max(next.deadlineNanos, now + fillWaitMillis * 1_000_000);
          newHead = true;
        }
      }
    }
    grants.forEach(Runnable::run);
    if (newHead) {
      Async.schedule(scheduler, () -> release(0), fillWaitMillis + 1, "granting permits");
    }
  }

  /** Completes every waiting acquisition with 0 permits (shutdown). */
  public void wakeAll() {
    List<Waiter> woken;
    synchronized (lock) {
      woken = new ArrayList<>(waiters);
      waiters.clear();
    }
    woken.forEach(waiter -> waiter.granted.complete(0));
  }

  /** Free permits now. */
  public int available() {
    synchronized (lock) {
      return available;
    }
  }
}
