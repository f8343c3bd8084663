/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.MessageObserver.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes failed (or postponed) messages visible again after a delay, with {@code
 * ChangeMessageVisibilityBatch}: requests arriving within a few milliseconds of each other share a
 * call (up to 10). The delay is capped so a message is never invisible past 12 hours from receive.
 */
public final class Backoff {

  private static final Logger LOG = LoggerFactory.getLogger(Backoff.class);
  private static final long COALESCE_MILLIS = 20;

  private final VisibilityChanger visibility;
  private final String queueUrl;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Map<Lease, Integer> pending = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private boolean scheduled;

  public Backoff(
      VisibilityChanger visibility,
      String queueUrl,
      ScheduledExecutorService scheduler,
      Clock clock) {
    this.visibility = visibility;
    this.queueUrl = queueUrl;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /** Hides the message for {@code delay} (whole seconds, rounded up) from now. */
  public void delay(Lease lease, Duration delay) {
    long elapsed = clock.millis() - lease.receivedAtMillis();
    long limit = (VisibilityHeartbeat.MAX_INVISIBLE_MILLIS - elapsed) / 1000 - 1;
    long seconds = (delay.toMillis() + 999) / 1000;
    pending.put(lease, (int) Math.max(0, Math.min(seconds, limit)));
    synchronized (lock) {
      if (scheduled) {
        return;
      }
      scheduled = true;
    }
    Async.schedule(scheduler, this::flush, COALESCE_MILLIS, "backing off failed messages");
  }

  /**
   * Sends the delays not sent yet, and completes when every delay sent so far has been answered
   * (for shutdown: nothing is left waiting in the consumer).
   */
  public CompletableFuture<Void> settle() {
    flush();
    return CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new));
  }

  private void delayed(VisibilityChanger.Outcome outcome, Map<Lease, Integer> seconds) {
    Lease lease = outcome.lease();
    if (outcome.accepted()) {
      lease.settled(Outcome.RETRIED, "retry in " + seconds.get(lease) + " s");
      return;
    }
    LOG.warn(
        "could not delay message {} from {} ({}); it becomes visible when its visibility timeout"
            + " ends",
        lease.messageId(),
        queueUrl,
        outcome.reason());
    lease.settled(
        Outcome.RETRIED,
        "could not delay it, visible again when its visibility timeout ends: " + outcome.reason());
  }

  private void flush() {
    synchronized (lock) {
      scheduled = false;
    }
    List<Lease> leases = new ArrayList<>(pending.keySet());
    if (leases.isEmpty()) {
      return;
    }
    Map<Lease, Integer> seconds = new ConcurrentHashMap<>();
    leases.forEach(lease -> seconds.put(lease, pending.remove(lease)));
    CompletableFuture<Void> sent = new CompletableFuture<>();
    inFlight.add(sent);
    Async.detach(
        visibility
            .change(leases, seconds::get)
            .whenComplete(
                (outcomes, error) -> {
                  inFlight.remove(sent);
                  sent.complete(null);
                  if (error != null) {
                    leases.forEach(
                        lease ->
                            lease.settled(
                                Outcome.RETRIED,
                                "could not delay it, visible again when its visibility timeout"
                                    + " ends: "
                                    + error));
                  }
                })
            .thenAccept(outcomes -> outcomes.forEach(outcome -> delayed(outcome, seconds))),
        "backing off failed messages");
  }
}
