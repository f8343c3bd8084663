/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that never steps: it starts at the wall time of its creation and then advances with
 * {@link System#nanoTime()}. Leases, heartbeats, delete deadlines and backoffs are computed with
 * it, so a wall-clock step (NTP, a VM resume) cannot abandon a lease or skip an extension. Nothing
 * that people read or other hosts compare is taken from it.
 */
public final class MonotonicClock extends Clock {

  private final long startMillis;
  private final long startNanos;

  private MonotonicClock(long startMillis, long startNanos) {
    this.startMillis = startMillis;
    this.startNanos = startNanos;
  }

  /** A clock starting now. */
  public static MonotonicClock start() {
    return new MonotonicClock(System.currentTimeMillis(), System.nanoTime());
  }

  @Override
  public long millis() {
    return startMillis + (System.nanoTime() - startNanos) / 1_000_000;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
