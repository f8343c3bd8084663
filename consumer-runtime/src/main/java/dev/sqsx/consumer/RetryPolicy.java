/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * How long a failed message stays invisible before its next attempt. The consumer applies it with
 * {@code ChangeMessageVisibility} (batched when several fail together), capped at SQS's limits.
 *
 * <p>Immutable and thread-safe. The default is {@link #exponential()}.
 */
public final class RetryPolicy {

  /** SQS's longest visibility timeout. */
  static final Duration MAX_DELAY = Duration.ofHours(12);

  private final String description;
  private final IntFunction<Duration> nominal;
  private final boolean jitter;

  private RetryPolicy(String description, IntFunction<Duration> nominal, boolean jitter) {
    this.description = description;
    this.nominal = nominal;
    this.jitter = jitter;
  }

  /** Exponential with jitter: 1 s, 2 s, 4 s ... capped at 5 minutes, each delay 50–100 % drawn. */
  public static RetryPolicy exponential() {
    return exponential(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5));
  }

  /**
   * Exponential with jitter: {@code initial × multiplier^(attempt-1)}, capped at {@code max}; the
   * delay is drawn uniformly from 50–100 % of that, so failures of many messages spread out.
   */
  public static RetryPolicy exponential(Duration initial, double multiplier, Duration max) {
    positive("initial", initial);
    positive("max", max);
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException(
          "multiplier must be a finite number >= 1, was " + multiplier);
    }
    return new RetryPolicy(
        "exponential(" + initial + " x" + multiplier + " up to " + max + ", jitter 50-100%)",
        attempt -> {
          double millis =
              (double) initial.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
          return Duration.ofMillis((long) Math.min(millis, (double) max.toMillis()));
        },
        true);
  }

  /** The same delay after every failure. */
  public static RetryPolicy fixed(Duration delay) {
    positiveOrZero("delay", delay);
    return new RetryPolicy("fixed(" + delay + ")", attempt -> delay, false);
  }

  /** {@code initial + increment × (attempt-1)}, capped at {@code max}. */
  public static RetryPolicy linear(Duration initial, Duration increment, Duration max) {
    positiveOrZero("initial", initial);
    positiveOrZero("increment", increment);
    positive("max", max);
    return new RetryPolicy(
        "linear(" + initial + " + " + increment + " per attempt up to " + max + ")",
        attempt -> {
          Duration next = initial.plus(increment.multipliedBy(Math.max(0, attempt - 1)));
          return next.compareTo(max) > 0 ? max : next;
        },
        false);
  }

  /** Visible again at once (visibility 0): the next receive retries it. */
  public static RetryPolicy immediate() {
    return new RetryPolicy("immediate", attempt -> Duration.ZERO, false);
  }

  /**
   * The delay after the given failed attempt (1 for the first), at most 12 hours.
   *
   * @param attempt the attempt that failed, from 1
   */
  public Duration delayAfter(int attempt) {
    long millis = capped(attempt).toMillis();
    if (jitter && millis > 1) {
      millis = millis / 2 + ThreadLocalRandom.current().nextLong(millis - millis / 2 + 1);
    }
    return Duration.ofMillis(millis);
  }

  /** The longest total wait before the given attempt (jitter only shortens it). */
  public Duration worstCaseBefore(int attempt) {
    Duration total = Duration.ZERO;
    for (int failed = 1; failed < attempt; failed++) {
      total = total.plus(capped(failed));
    }
    return total;
  }

  private Duration capped(int attempt) {
    Duration next = nominal.apply(Math.max(1, attempt));
    return next.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : next;
  }

  @Override
  public String toString() {
    return description;
  }

  private static void positive(String name, Duration value) {
    Objects.requireNonNull(value, name + " cannot be null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }

  private static void positiveOrZero(String name, Duration value) {
    Objects.requireNonNull(value, name + " cannot be null");
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value);
    }
  }
}
