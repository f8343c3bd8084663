/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.util.List;

/**
 * A waiting line that also counts the body characters of the messages in it, so the poller can stop
 * receiving while the waiting messages hold too much. Not thread-safe, like every line (the
 * dispatcher's lock); {@link #chars()} may be read from any thread.
 */
final class MeasuredLine implements WaitingLine {

  private final WaitingLine line;
  private long chars;
  private int waiting;
  private volatile boolean anyWaiting;
  private volatile long published;

  MeasuredLine(WaitingLine line) {
    this.line = line;
  }

  /** Messages waiting now (for FIFO, some may wait for their group). */
  int waiting() {
    return waiting;
  }

  /** Whether any message waits; readable without the dispatcher's lock. */
  boolean anyWaiting() {
    return anyWaiting;
  }

  /** Body characters of the messages waiting now. */
  long chars() {
    return published;
  }

  @Override
  public void add(Lease lease) {
    line.add(lease);
    waiting++;
    chars += size(lease);
    published = chars;
    anyWaiting = waiting > 0;
  }

  @Override
  public Lease next() {
    Lease next = line.next();
    if (next != null) {
      waiting--;
      chars -= size(next);
      published = chars;
      anyWaiting = waiting > 0;
    }
    return next;
  }

  @Override
  public List<Lease> finished(Lease lease, boolean succeeded) {
    return removed(line.finished(lease, succeeded));
  }

  @Override
  public List<Lease> drainAll() {
    return removed(line.drainAll());
  }

  @Override
  public void putBack(Lease lease) {
    line.putBack(lease);
    waiting++;
    chars += size(lease);
    published = chars;
    anyWaiting = waiting > 0;
  }

  private List<Lease> removed(List<Lease> leases) {
    long less = 0;
    for (Lease lease : leases) {
      less += size(lease);
    }
    waiting -= leases.size();
    chars -= less;
    published = chars;
    anyWaiting = waiting > 0;
    return leases;
  }

  private static long size(Lease lease) {
    String body = lease.received().body();
    return body == null ? 0 : body.length();
  }
}
