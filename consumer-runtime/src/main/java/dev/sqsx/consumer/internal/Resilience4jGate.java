/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The gate with resilience4j: a rate limiter on handler starts and a circuit breaker around the
 * handler. While the breaker is open, polling pauses and messages already received are put back for
 * the breaker's wait. Loaded only when one of them is configured.
 */
public final class Resilience4jGate implements HandlerGate {

  private static final Duration RATE_LIMITED_DELAY = Duration.ofSeconds(1);

  private final CircuitBreaker breaker;
  private final RateLimiter limiter;

  /** Either may be null. */
  public Resilience4jGate(Object breaker, Object limiter) {
    this.breaker = (CircuitBreaker) breaker;
    this.limiter = (RateLimiter) limiter;
  }

  @Override
  public Duration admit() {
    if (limiter != null && !limiter.acquirePermission()) {
      return RATE_LIMITED_DELAY;
    }
    if (breaker != null && !breaker.tryAcquirePermission()) {
      return breakerWait();
    }
    return null;
  }

  @Override
  public void completed(long durationNanos, Throwable error) {
    if (breaker == null) {
      return;
    }
    if (error == null) {
      breaker.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
    } else {
      breaker.onError(durationNanos, TimeUnit.NANOSECONDS, error);
    }
  }

  @Override
  public void unused() {
    if (breaker != null) {
      breaker.releasePermission();
    }
  }

  @Override
  public boolean pollingPaused() {
    if (breaker == null) {
      return false;
    }
    // Asking for a permission also moves an open breaker to half-open once its wait is over.
    if (breaker.tryAcquirePermission()) {
      breaker.releasePermission();
      return false;
    }
    return true;
  }

  private Duration breakerWait() {
    long millis = breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
    return Duration.ofMillis(Math.max(1000, millis));
  }
}
