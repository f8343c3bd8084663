package dev.sqsx.consumer.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Backpressure as plain permit accounting: one permit per message the consumer may hold (handler
 * slots plus prefetch). A poll asks for up to 10 and gets at least one, waiting asynchronously when
 * none is free; unused permits and finished messages give theirs back.
 */
public final class Permits {

  private record Waiter(int max, CompletableFuture<Integer> granted) {}

  private final Object lock = new Object();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private int available;

  /** A pool with this many permits. */
  public Permits(int total) {
    this.available = total;
  }

  /** Completes with 1..max permits when any are free; with 0 when {@link #wakeAll} is called. */
  public CompletableFuture<Integer> acquireUpTo(int max) {
    synchronized (lock) {
      if (available > 0 && waiters.isEmpty()) {
        int granted = Math.min(max, available);
        available -= granted;
        return CompletableFuture.completedFuture(granted);
      }
      Waiter waiter = new Waiter(max, new CompletableFuture<>());
      waiters.add(waiter);
      return waiter.granted();
    }
  }

  /** Gives permits back, handing them to waiting polls first. */
  public void release(int count) {
    if (count <= 0) {
      return;
    }
    List<Runnable> grants = new ArrayList<>();
    synchronized (lock) {
      available += count;
      while (available > 0 && !waiters.isEmpty()) {
        Waiter waiter = waiters.poll();
        int granted = Math.min(waiter.max(), available);
        available -= granted;
        grants.add(() -> waiter.granted().complete(granted));
      }
    }
    grants.forEach(Runnable::run);
  }

  /** Completes every waiting acquisition with 0 permits (shutdown). */
  public void wakeAll() {
    List<Waiter> woken;
    synchronized (lock) {
      woken = new ArrayList<>(waiters);
      waiters.clear();
    }
    woken.forEach(waiter -> waiter.granted().complete(0));
  }

  /** Free permits now. */
  public int available() {
    synchronized (lock) {
      return available;
    }
  }
}
