/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The pause after the handler gate refused a start (breaker open, rate limit): no message starts
 * until its delay has passed; then {@code reopened} runs (the dispatcher drains its line). A
 * refusal during a pause extends it; one timer at a time. Thread-safe.
 */
final class GatePause {

  private final ScheduledExecutorService scheduler;
  private final Runnable reopened;
  private long closedUntilNanos;
  private boolean reopenScheduled;

  GatePause(ScheduledExecutorService scheduler, Runnable reopened) {
    this.scheduler = scheduler;
    this.reopened = reopened;
  }

  /** Closes the gate for {@code delay} from now. */
  synchronized void closeFor(Duration delay) {
    closedUntilNanos = System.nanoTime() + delay.toNanos();
    if (!reopenScheduled) {
      reopenScheduled = true;
      Async.schedule(scheduler, this::check, delay.toMillis(), "reopening the handler gate");
    }
  }

  /** Whether a refusal's delay has not passed yet. */
  synchronized boolean closed() {
    return reopenScheduled && System.nanoTime() < closedUntilNanos;
  }

  private void check() {
    synchronized (this) {
      long wait = closedUntilNanos - System.nanoTime();
      if (wait > 0) {
        Async.schedule(
            scheduler,
            this::check,
            TimeUnit.NANOSECONDS.toMillis(wait) + 1,
            "reopening the handler gate");
        return;
      }
      reopenScheduled = false;
    }
    reopened.run();
  }
}
