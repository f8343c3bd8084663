/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.time.Duration;

/**
 * Decides whether a handler may start now (circuit breaker, rate limiter) and whether polling
 * should pause. The default gate always admits.
 */
public interface HandlerGate {

  /**
   * Null to run the handler now; otherwise how long to put the message back for. May block briefly
   * (a rate limiter's wait); called on the handler executor.
   */
  Duration admit();

  /** Records the outcome of an admitted handler run. */
  void completed(long durationNanos, Throwable error);

  /**
   * An admitted run did not happen after all (its messages' leases ended meanwhile): gives back
   * what {@link #admit()} took (a half-open circuit breaker's trial permission).
   */
  default void unused() {}

  /** Whether polling should pause (an open circuit breaker). */
  boolean pollingPaused();

  /** A gate that always admits and never pauses. */
  static HandlerGate open() {
    return new HandlerGate() {
      @Override
      public Duration admit() {
        return null;
      }

      @Override
      public void completed(long durationNanos, Throwable error) {}

      @Override
      public boolean pollingPaused() {
        return false;
      }
    };
  }
}
