/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the leases of running {@link IdempotentHandler} calls alive: every third of the lease the
 * store's {@code renew} extends it (fenced by the record's version); a lease taken over, or one
 * whose end passed without a successful renewal, reports {@link IdempotencyLease#isHeld()} false.
 */
final class LeaseRenewals {

  private static final Logger LOG = LoggerFactory.getLogger(IdempotentHandler.class);

  /** Decides when renewals are due; does no I/O itself. */
  private static final ScheduledExecutorService RENEWAL_TIMER =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "sqsx-idempotency-renewal-timer");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * Makes the (blocking) renewal calls, each on a thread of its own: threads are created as
   * renewals need them and end after a minute idle, so one slow call never delays another.
   */
  private static final ExecutorService RENEWAL_CALLS =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "sqsx-idempotency-renewal");
            thread.setDaemon(true);
            return thread;
          });

  private final IdempotencyStore store;
  private final Duration leaseLength;
  private final Clock clock;
  private final LongAdder fencing;
  private final LongAdder renewalFailures;

  LeaseRenewals(
      IdempotencyStore store,
      Duration leaseLength,
      Clock clock,
      LongAdder fencing,
      LongAdder renewalFailures) {
    this.store = store;
    this.leaseLength = leaseLength;
    this.clock = clock;
    this.fencing = fencing;
    this.renewalFailures = renewalFailures;
  }

  /** A lease being renewed; {@link #stop()} it when the handler returns or throws. */
  record Renewing(IdempotencyLease lease, ScheduledFuture<?> timer) {
    void stop() {
      timer.cancel(false);
    }
  }

  /**
   * Starts renewing the lease of a claimed record; with a {@code deadline} (null for none), never
   * past it.
   */
  Renewing start(IdempotencyRecord held, java.time.Instant deadline) {
    long limit = deadline == null ? Long.MAX_VALUE : deadline.toEpochMilli();
    HeldLease lease =
        new HeldLease(held, Math.min(limit, clock.millis() + leaseLength.toMillis()), limit, clock);
    long every = Math.max(100, leaseLength.toMillis() / 3);
    return new Renewing(
        lease,
        RENEWAL_TIMER.scheduleWithFixedDelay(
            () -> startRenewal(lease), every, every, TimeUnit.MILLISECONDS));
  }

  /**
   * Runs one renewal on its own thread, so a slow store call delays no other lease; skipped while
   * the previous renewal of the same lease is still running.
   */
  private void startRenewal(HeldLease lease) {
    if (!lease.renewing.compareAndSet(false, true)) {
      return;
    }
    try {
      RENEWAL_CALLS.execute(
          () -> {
            try {
              renew(lease);
            } finally {
              lease.renewing.set(false);
            }
          });
    } catch (RuntimeException e) {
      lease.renewing.set(false);
      throw e;
    }
  }

  private void renew(HeldLease lease) {
    long until = Math.min(lease.limitMillis, clock.millis() + leaseLength.toMillis());
    try {
      if (!lease.held || lease.heldUntilMillis >= lease.limitMillis) {
        return; // taken over, or held to its deadline already: nothing to extend
      }
      if (store.renew(lease.record, until)) {
        lease.heldUntilMillis = until;
      } else {
        lease.held = false;
        fencing.increment();
        LOG.warn("lease of key {} was taken over while its handler ran", lease.record.key());
      }
    } catch (RuntimeException e) {
      renewalFailures.increment();
      LOG.warn(
          "could not renew the lease of key {} (held until {} unless a later renewal succeeds): {}",
          lease.record.key(),
          java.time.Instant.ofEpochMilli(lease.heldUntilMillis),
          e.toString());
    }
  }

  private static final class HeldLease implements IdempotencyLease {
    private final IdempotencyRecord record;
    private final Clock clock;
    private final long limitMillis;
    private final AtomicBoolean renewing = new AtomicBoolean();
    private volatile boolean held = true;
    private volatile long heldUntilMillis;

    HeldLease(IdempotencyRecord record, long heldUntilMillis, long limitMillis, Clock clock) {
      this.record = record;
      this.heldUntilMillis = heldUntilMillis;
      this.limitMillis = limitMillis;
      this.clock = clock;
    }

    @Override
    public String key() {
      return record.key();
    }

    @Override
    public long fencingToken() {
      return record.version();
    }

    /** False once taken over, or once the lease end passed without a successful renewal. */
    @Override
    public boolean isHeld() {
      return held && clock.millis() < heldUntilMillis;
    }
  }
}
