/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pool a store runs blocking SDK calls on when it was given only a synchronous client: a fixed
 * number of daemon threads (idle ones end after 30 s) and a queue. A call never runs on the
 * caller's thread, which may be an SDK event-loop thread completing a receive: when every thread is
 * busy the call waits its turn.
 */
public final class BlockingPool {

  private BlockingPool() {}

  /** A pool of up to {@code threads} daemon threads named {@code name-N}. */
  public static Executor create(String name, int threads) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
