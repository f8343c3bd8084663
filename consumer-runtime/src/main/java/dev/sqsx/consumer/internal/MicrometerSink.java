/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Micrometer meters named {@code sqsx.consumer.*}, tagged with the queue name. Loaded only when a
 * {@code MeterRegistry} is given, so Micrometer stays an optional dependency. Each meter is
 * registered once and kept: the hot path increments, it does not look meters up.
 */
public final class MicrometerSink implements MetricsSink {

  private final MeterRegistry registry;
  private final Tags tags;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  /** A sink on {@code registry}, tagging meters with the queue's name. */
  public MicrometerSink(MeterRegistry registry, String queueUrl) {
    this.registry = registry;
    this.tags = Tags.of("queue", queueUrl.substring(queueUrl.lastIndexOf('/') + 1));
  }

  @Override
  public void count(String name, long amount) {
    counters
        .computeIfAbsent(
            name, n -> Counter.builder("sqsx.consumer." + n).tags(tags).register(registry))
        .increment((double) amount);
  }

  @Override
  public void time(String name, String outcome, long amount, TimeUnit unit) {
    timers
        .computeIfAbsent(
            name + '\n' + outcome,
            key ->
                Timer.builder("sqsx.consumer." + name)
                    .tags(tags.and("outcome", outcome))
                    .register(registry))
        .record(amount, unit);
  }

  @Override
  public void gauge(String name, Supplier<Number> value) {
    Gauge.builder("sqsx.consumer." + name, value).tags(tags).register(registry);
  }
}
