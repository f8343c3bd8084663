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
import java.util.function.Supplier;

/**
 * Lets one synchronous call's payload operations run side by side. Inside {@link #join}, the first
 * operation is kept for the caller's thread and each later one is also offered to a pool; the
 * caller then runs, in order, every operation no pool thread has started, and waits for the rest.
 * So a receive of ten offloaded messages reads up to ten payloads at a time, while a receive of one
 * never leaves the caller's thread, and a busy pool costs nothing: the caller does the work itself,
 * as it would without one. An operation started outside a join, or on a pool thread, runs at once.
 */
public final class Fanout {

  private final Executor pool;
  private static final ThreadLocal<Queue<Operation<?>>> pending = new ThreadLocal<>();

  /** Side by side on {@code pool} (which is not shut down here). */
  public Fanout(Executor pool) {
    this.pool = pool;
  }

  /** An operation: deferred inside a join on this thread, else run at once. */
  public <T> CompletableFuture<T> run(Supplier<T> operation) {
    Queue<Operation<?>> queue = pending.get();
    Operation<T> task = new Operation<>(operation);
    if (queue == null) {
      task.runUnlessStarted();
      return task.result;
    }
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
   * Starts a pipeline on this thread, runs the operations it defers, and waits for its result.
   *
   * @throws RuntimeException what the pipeline failed with (see {@link Futures#join})
   */
  public <T> T join(Supplier<CompletableFuture<T>> pipeline, String what) {
    if (pending.get() != null) {
      return Futures.join(pipeline.get(), what); // nested: the outer join runs the operations
    }
    Queue<Operation<?>> queue = new ArrayDeque<>();
    pending.set(queue);
    CompletableFuture<T> result;
    try {
      result = Futures.guarded(pipeline);
      // Operations may add more as they complete (on this thread): run until none is left.
      for (Operation<?> next = queue.poll(); next != null; next = queue.poll()) {
        next.runUnlessStarted();
      }
    } finally {
      pending.remove();
    }
    return Futures.join(result, what);
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
