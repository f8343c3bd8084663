/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.lambda.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs tasks {@code 0..n-1} with at most {@code parallelism} at once, on virtual threads where the
 * JVM has them (Java 21+: Lambda's java21 runtime) and on a shared pool of daemon threads
 * otherwise. The calling thread waits for all of them.
 */
public final class Workers {

  private static final Executor THREADS = threads();

  private Workers() {}

  /**
   * Runs every task; returns when all have ended. A task's exception is its own to handle. When the
   * threads refuse work, the calling thread runs the tasks no thread took: every task runs.
   */
  public static void run(int n, int parallelism, IntConsumer task) {
    if (n == 0) {
      return;
    }
    if (n == 1 || parallelism == 1) {
      for (int i = 0; i < n; i++) {
        task.accept(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
            task.accept(i);
          }
        };
    List<CompletableFuture<Void>> workers = new ArrayList<>();
    try {
      for (int w = 0; w < Math.min(n, parallelism); w++) {
        workers.add(CompletableFuture.runAsync(worker, THREADS));
      }
    } catch (RejectedExecutionException e) {
      worker.run(); // no thread to be had (the JVM is shutting down): the caller runs what is left
    }
    CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).join();
  }

  private static Executor threads() {
    try {
      return (ExecutorService)
          Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      AtomicInteger count = new AtomicInteger();
      return Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "sqsx-lambda-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });
    }
  }
}
