/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The peak heap in use while a piece of work runs, above what was in use (after a GC) when it
 * started: sampled every 5 ms on a daemon thread. An approximation (a sample can miss a short
 * peak), the same for every contender in one run.
 */
final class HeapSampler implements AutoCloseable {

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private final long baseline;
  private final Thread thread;
  private volatile long peak;
  private volatile boolean running = true;

  @SuppressWarnings("SystemGc") // a settled baseline before each measured run
  HeapSampler() {
    System.gc();
    baseline = MEMORY.getHeapMemoryUsage().getUsed();
    peak = baseline;
    thread =
        new Thread(
            () -> {
              while (running) {
                long used = MEMORY.getHeapMemoryUsage().getUsed();
                if (used > peak) {
                  peak = used;
                }
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "heap-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  /** Peak heap above the baseline, in MiB. */
  double peakMiB() {
    return Math.max(0, peak - baseline) / (1024.0 * 1024.0);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
