/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Lets one synchronous call's payload operations run side by side. Inside {@link #join}, the first
 * operation is kept for the caller's thread and each later one is also offered to a pool; the
 * caller then runs, in order, every operation no pool thread has started, and waits for the rest.
 * So a receive of ten offloaded messages reads up to ten payloads at a time, while a receive of one
 * never leaves the caller's thread, and a busy pool costs nothing: the caller does the work itself,
 * as it would without one. An operation started outside a join, or on a pool thread, runs at once.
 *
 * <p>Joins nest: a join started inside another on the same thread (the client called again from a
 * listener or an injector it runs) collects and runs its own operations; the outer join's
 * collecting resumes when it returns. So each join runs every operation it waits for, and a nested
 * call never waits for work that only the outer join, blocked behind it, would run.
 *
 * <p>Each join also has a {@linkplain #oneAtATime() lane} for operations that must not overlap one
 * another (reads of large payloads, whose bytes should not be held at once), whichever threads run
 * them.
 */
public final class Fanout {

  private final Executor pool;
  private static final ThreadLocal<Call> current = new ThreadLocal<>();

  /** One join's state: the operations it deferred, and its one-at-a-time lane. */
  private static final class Call {
    final Queue<Operation<?>> pending = new ArrayDeque<>();
    final Lane lane = new Lane();
  }

  /** Side by side on {@code pool} (which is not shut down here). */
  public Fanout(Executor pool) {
    this.pool = pool;
  }

  /** An operation: deferred inside a join on this thread, else run at once. */
  public <T> CompletableFuture<T> run(Supplier<T> operation) {
    Call call = current.get();
    Operation<T> task = new Operation<>(operation);
    if (call == null) {
      task.runUnlessStarted();
      return task.result;
    }
    Queue<Operation<?>> queue = call.pending;
    boolean callersOwn = queue.isEmpty();
    queue.add(task);
    if (!callersOwn) {
      try {
        pool.execute(task::runUnlessStarted);
      } catch (RejectedExecutionException e) {
        // the caller runs it
      }
    }
    return task.result;
  }

  /**
   * The one-at-a-time lane of the join running on this thread (outside a join, a lane of its own):
   * what runs through it never overlaps anything else run through it, on any thread.
   */
  public Lane oneAtATime() {
    Call call = current.get();
    return call == null ? new Lane() : call.lane;
  }

  /**
   * Starts a pipeline on this thread, runs the operations it defers, and waits for its result.
   *
   * @throws RuntimeException what the pipeline failed with (see {@link Futures#join})
   */
  public <T> T join(Supplier<CompletableFuture<T>> pipeline, String what) {
    Call outer = current.get();
    Call call = new Call();
    current.set(call);
    Queue<Operation<?>> queue = call.pending;
    CompletableFuture<T> result;
    try {
      result = Futures.guarded(pipeline);
      // Operations may add more as they complete (on this thread): run until none is left.
      for (Operation<?> next = queue.poll(); next != null; next = queue.poll()) {
        next.runUnlessStarted();
      }
    } finally {
      if (outer == null) {
        current.remove();
      } else {
        current.set(outer); // a nested join: the outer one's operations go on collecting there
      }
    }
    return Futures.join(result, what);
  }

  /**
   * Runs operations one at a time, each on the thread that asks, waiting for the one running. It
   * holds nothing but its lock while an operation runs: an operation must not wait for the join.
   */
  public static final class Lane {
    private final ReentrantLock lock = new ReentrantLock();

    private Lane() {}

    /** What {@code operation} returns (or throws), once nothing else of this lane runs. */
    public <T> T run(Supplier<T> operation) {
      lock.lock();
      try {
        return operation.get();
      } finally {
        lock.unlock();
      }
    }
  }

  /** One deferred operation: run by whoever claims it first. */
  private static final class Operation<T> {
    private final Supplier<T> call;
    private final AtomicBoolean started = new AtomicBoolean();
    final CompletableFuture<T> result = new CompletableFuture<>();

    Operation(Supplier<T> call) {
      this.call = call;
    }

    void runUnlessStarted() {
      if (!started.compareAndSet(false, true)) {
        return;
      }
      try {
        result.complete(call.get());
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
      }
    }
  }
}
