/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

/**
 * How fast the handlers return, as a moving average of synchronous run times, to tell whether they
 * are quick: a thread that runs a quick handler goes on with the messages waiting behind it itself,
 * waking no other thread for them — one thread runs ten such messages in less time than waking a
 * second one takes (a park and unpark, a context switch on each side). Racy updates: a heuristic.
 */
final class HandlerPace {

  /** Handlers that return within this on average are quick. */
  static final long QUICK_NANOS = 50_000;

  /**
   * How long a message may wait behind a quick handler's thread before another one is woken (also
   * by the consumer's periodic nudge, so a quick handler that blocks once holds the line up for at
   * most about that).
   */
  static final long QUICK_WAIT_MILLIS = 50;

  /** Until handlers have run, they are not quick: threads spread as for slow ones. */
  private volatile long averageNanos = 1_000_000;

  /** A synchronous run that took {@code nanos}. */
  void ran(long nanos) {
    long average = averageNanos;
    averageNanos = average + (nanos - average) / 8;
  }

  /** A run that did not complete on its thread: an asynchronous handler is never quick. */
  void ranAsynchronously() {
    if (averageNanos < QUICK_NANOS) {
      averageNanos = QUICK_NANOS;
    }
  }

  /** Whether a message that has waited {@code waitedMillis} may stay behind a quick handler. */
  boolean quick(long waitedMillis) {
    return averageNanos < QUICK_NANOS && waitedMillis < QUICK_WAIT_MILLIS;
  }
}
