/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import dev.sqsx.consumer.ConsumerStats;
import dev.sqsx.consumer.ReceiveFailures;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@link SqsxListener}s' health: UP while every listener's consumer runs and receives, DOWN
 * when one has stopped (or before they started) or when its receives keep failing — {@value
 * #FAILING_RECEIVES} or more failed in a row (a deleted queue, lost permissions, an unreachable
 * endpoint; the consumer retries them with backoff and never stops on its own) — and UP again once
 * a receive succeeds. Per listener: its queue, whether it runs, its counts, its circuit breaker's
 * state (an open breaker pauses polling; it does not turn the health DOWN), and while its receives
 * fail {@code receives: failing}, {@code receiveFailures}, {@code failingSince} and {@code
 * lastReceiveError} (the SQS error: class and message, never a message body).
 */
public final class SqsxHealthIndicator implements HealthIndicator {

  /**
   * Failed receives in a row that turn a listener DOWN: one is a blip the next receive usually
   * recovers from (the SDK has retried it already); three cover about a second of backoff.
   */
  static final int FAILING_RECEIVES = 3;

  private final SqsxListeners listeners;

  SqsxHealthIndicator(SqsxListeners listeners) {
    this.listeners = listeners;
  }

  @Override
  public Health health() {
    Map<String, Object> details = new LinkedHashMap<>();
    boolean healthy = listeners.isRunning();
    for (SqsxListeners.Listener listener : listeners.listeners().values()) {
      boolean running = listener.consumer().isRunning();
      healthy &= running;
      ConsumerStats stats = listener.consumer().stats();
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("queue", listener.queueUrl());
      one.put("running", running);
      one.put("received", stats.received());
      one.put("succeeded", stats.succeeded());
      one.put("failed", stats.failed());
      one.put("deadLettered", stats.deadLettered());
      one.put("inFlight", stats.inFlight());
      if (listener.circuitBreaker() != null) {
        one.put("circuitBreaker", SqsxListeners.breakerState(listener));
      }
      ReceiveFailures failing = listener.consumer().failingReceives().orElse(null);
      if (failing != null && failing.count() >= FAILING_RECEIVES) {
        healthy = false;
        one.put("receives", "failing");
        one.put("receiveFailures", failing.count());
        one.put("failingSince", failing.since().toString());
        one.put("lastReceiveError", failing.lastError());
      }
      details.put(listener.id(), one);
    }
    return (healthy ? Health.up() : Health.down()).withDetails(details).build();
  }
}
