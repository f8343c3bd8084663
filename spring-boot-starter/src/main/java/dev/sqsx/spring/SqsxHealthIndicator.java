/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import dev.sqsx.consumer.ConsumerStats;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@link SqsxListener}s' health: UP while every listener's consumer runs, DOWN when one has
 * stopped (or before they started); per listener its queue, whether it runs, its counts and its
 * circuit breaker's state (an open breaker pauses polling; it does not turn the health DOWN).
 */
public final class SqsxHealthIndicator implements HealthIndicator {

  private final SqsxListeners listeners;

  SqsxHealthIndicator(SqsxListeners listeners) {
    this.listeners = listeners;
  }

  @Override
  public Health health() {
    Map<String, Object> details = new LinkedHashMap<>();
    boolean allRunning = listeners.isRunning();
    for (SqsxListeners.Listener listener : listeners.listeners().values()) {
      boolean running = listener.consumer().isRunning();
      allRunning &= running;
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
      details.put(listener.id(), one);
    }
    return (allRunning ? Health.up() : Health.down()).withDetails(details).build();
  }
}
