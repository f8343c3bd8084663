/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Where counts go besides {@link Counters}: nowhere, or Micrometer when a registry is given. */
public interface MetricsSink {

  /** Adds to the counter {@code sqsx.consumer.<name>}. */
  void count(String name, long amount);

  /** Records a duration in the timer {@code sqsx.consumer.<name>} tagged with {@code outcome}. */
  void time(String name, String outcome, long amount, TimeUnit unit);

  /** Registers the gauge {@code sqsx.consumer.<name>}. */
  void gauge(String name, Supplier<Number> value);

  /**
   * {@code tenant} is among the top tenants now (or is {@code "other"}): registers its gauge {@code
   * sqsx.consumer.tenant.in.flight} reading {@code inFlight} and its timer {@code
   * sqsx.consumer.tenant.processing}, both tagged {@code tenant}.
   */
  default void tenantNamed(String tenant, Supplier<Number> inFlight) {}

  /** {@code tenant} left the top tenants: its meters are removed from the registry. */
  default void tenantGone(String tenant) {}

  /**
   * Records a handler's time in {@code tenant}'s timer, or in {@code "other"}'s when the tenant has
   * none (never registers a meter: only {@link #tenantNamed} does, so the tags stay bounded).
   */
  default void tenantTime(String tenant, long nanos) {}

  /** The consumer is closed: its gauges stop counting it. */
  default void close() {}

  /** A sink that drops everything. */
  static MetricsSink none() {
    return new MetricsSink() {
      @Override
      public void count(String name, long amount) {}

      @Override
      public void time(String name, String outcome, long amount, TimeUnit unit) {}

      @Override
      public void gauge(String name, Supplier<Number> value) {}
    };
  }
}
