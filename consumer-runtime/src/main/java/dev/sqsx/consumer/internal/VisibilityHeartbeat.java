/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every held message invisible while the consumer holds it (waiting, running, or waiting for
 * its delete): each tick, leases whose deadline is within the margin are extended by the visibility
 * timeout with {@code ChangeMessageVisibilityBatch}. It stops extending a message at the maximum
 * processing time and before SQS's 12-hour limit from receive; a rejected receipt handle marks the
 * lease lost.
 */
public final class VisibilityHeartbeat {

  private static final Logger LOG = LoggerFactory.getLogger(VisibilityHeartbeat.class);

  /** SQS's limit: a message is never invisible for more than 12 hours after it was received. */
  static final long MAX_INVISIBLE_MILLIS = Duration.ofHours(12).toMillis();

  private final VisibilityChanger changer;
  private final String queueUrl;
  private final int visibilityTimeoutSeconds;
  private final long maxProcessingMillis;
  private final Counters counters;
  private final Clock clock;
  private final Set<Lease> tracked = ConcurrentHashMap.newKeySet();
  private final long tickMillis;
  private final long marginMillis;
  private ScheduledFuture<?> ticking;

  public VisibilityHeartbeat(
      VisibilityChanger changer,
      String queueUrl,
      int visibilityTimeoutSeconds,
      Duration maxProcessingTime,
      Counters counters,
      Clock clock) {
    this.changer = changer;
    this.queueUrl = queueUrl;
    this.visibilityTimeoutSeconds = visibilityTimeoutSeconds;
    this.maxProcessingMillis = maxProcessingTime.toMillis();
    this.counters = counters;
    this.clock = clock;
    long visibilityMillis = visibilityTimeoutSeconds * 1000L;
    this.tickMillis = Math.max(100, Math.min(1000, visibilityMillis / 4));
    this.marginMillis = Math.max(visibilityMillis / 3, 2 * tickMillis);
  }

  /** Ticks on the scheduler until {@link #stop()}. */
  public void start(ScheduledExecutorService scheduler) {
    ticking =
        scheduler.scheduleWithFixedDelay(
            this::tickSafely, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
  }

  /** Stops ticking; leases are left as they are. */
  public void stop() {
    if (ticking != null) {
      ticking.cancel(false);
    }
  }

  /**
   * How close to its deadline a lease must be to be extended (also used to flush deletes early).
   */
  public long marginMillis() {
    return marginMillis;
  }

  public void track(Lease lease) {
    tracked.add(lease);
  }

  public void untrack(Lease lease) {
    tracked.remove(lease);
  }

  public int tracked() {
    return tracked.size();
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.warn("visibility heartbeat of {} failed: {}", queueUrl, e.toString());
    }
  }

  void tick() {
    long now = clock.millis();
    Map<Lease, Integer> due = new ConcurrentHashMap<>();
    for (Lease lease : tracked) {
      if (lease.extending() || lease.lost() || lease.abandoned()) {
        continue;
      }
      if (lease.deadlineMillis() - now > marginMillis) {
        continue;
      }
      if (now - lease.receivedAtMillis() >= maxProcessingMillis) {
        lease.markAbandoned();
        LOG.warn(
            "message {} from {} exceeded the maximum processing time of {} ms: no longer extending"
                + " its visibility, it will be redelivered",
            lease.messageId(),
            queueUrl,
            maxProcessingMillis);
        continue;
      }
      long untilLimit = (lease.receivedAtMillis() + MAX_INVISIBLE_MILLIS - now) / 1000 - 1;
      int seconds = (int) Math.min(visibilityTimeoutSeconds, untilLimit);
      if (seconds <= 0) {
        lease.markAbandoned();
        continue;
      }
      lease.extending(true);
      due.put(lease, seconds);
    }
    if (due.isEmpty()) {
      return;
    }
    List<Lease> leases = new ArrayList<>(due.keySet());
    Async.detach(
        changer
            // a lease released or settled meanwhile (no longer tracked) is not extended again
            .change(
                leases, lease -> tracked.contains(lease) ? due.get(lease) : VisibilityChanger.SKIP)
            .thenAccept(
                outcomes -> {
                  outcomes.forEach(outcome -> settle(outcome, now));
                  leases.forEach(lease -> lease.extending(false));
                }),
        "extending visibility");
  }

  private void settle(VisibilityChanger.Outcome outcome, long sentAtMillis) {
    Lease lease = outcome.lease();
    if (outcome.accepted()) {
      lease.extendedUntil(sentAtMillis + outcome.timeoutSeconds() * 1000L);
      counters.extended(1);
      try {
        lease.observation().visibilityExtended(lease.received(), outcome.timeoutSeconds());
      } catch (RuntimeException e) {
        LOG.warn(
            "message observer failed on message {} from {}: {}",
            lease.messageId(),
            queueUrl,
            e.toString());
      }
    } else if (outcome.handleRejected()) {
      lease.markLost();
      counters.leaseLost();
      LOG.warn(
          "lease of message {} from {} lost ({}): it will be redelivered",
          lease.messageId(),
          queueUrl,
          outcome.reason());
    } else {
      LOG.warn(
          "could not extend the visibility of message {} from {} ({}); retrying next tick",
          lease.messageId(),
          queueUrl,
          outcome.reason());
    }
    lease.extending(false);
  }
}
