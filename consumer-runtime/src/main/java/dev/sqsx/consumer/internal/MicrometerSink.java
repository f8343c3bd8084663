/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Micrometer meters named {@code sqsx.consumer.*}, tagged with the queue name. Loaded only when a
 * {@code MeterRegistry} is given, so Micrometer stays an optional dependency. Each meter is
 * registered once and kept: the hot path increments, it does not look meters up. A gauge is one per
 * registry, name and queue, shared by every consumer of that queue on the registry: it reads the
 * sum over the consumers not closed yet, so a consumer made after another one closed (a restarted
 * listener) is what it shows, not the closed one Micrometer registered first.
 */
public final class MicrometerSink implements MetricsSink {

  private final MeterRegistry registry;
  private final Tags tags;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, List<Meter>> tenantMeters = new ConcurrentHashMap<>();
  private final Map<String, Timer> tenantTimers = new ConcurrentHashMap<>();

  /** Per registry: the sources of each shared gauge, by name and tags. */
  private static final Map<MeterRegistry, Map<List<Object>, Set<Supplier<Number>>>> GAUGES =
      new WeakHashMap<>();

  private final List<Runnable> gaugesToLeave = new CopyOnWriteArrayList<>();

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
    String meter = "sqsx.consumer." + name;
    Set<Supplier<Number>> sources;
    synchronized (GAUGES) {
      sources =
          GAUGES
              .computeIfAbsent(registry, r -> new ConcurrentHashMap<>())
              .computeIfAbsent(
                  List.of(meter, tags),
                  key -> {
                    Set<Supplier<Number>> live = ConcurrentHashMap.newKeySet();
                    Gauge.builder(meter, live, MicrometerSink::sum)
                        .tags(tags)
                        .strongReference(true)
                        .register(registry);
                    return live;
                  });
    }
    sources.add(value);
    gaugesToLeave.add(() -> sources.remove(value));
  }

  @Override
  public synchronized void tenantNamed(String tenant, Supplier<Number> inFlight) {
    if (tenantMeters.containsKey(tenant)) {
      return;
    }
    Tags tagged = tags.and("tenant", tenant);
    Gauge gauge =
        Gauge.builder("sqsx.consumer.tenant.in.flight", inFlight)
            .tags(tagged)
            .strongReference(true)
            .register(registry);
    Timer timer = Timer.builder("sqsx.consumer.tenant.processing").tags(tagged).register(registry);
    tenantMeters.put(tenant, List.of(gauge, timer));
    tenantTimers.put(tenant, timer);
  }

  @Override
  public synchronized void tenantGone(String tenant) {
    tenantTimers.remove(tenant);
    List<Meter> meters = tenantMeters.remove(tenant);
    if (meters != null) {
      meters.forEach(registry::remove);
    }
  }

  @Override
  public void tenantTime(String tenant, long nanos) {
    Timer timer = tenantTimers.get(tenant);
    if (timer == null) {
      timer = tenantTimers.get(dev.sqsx.consumer.TenantStats.OTHER);
    }
    if (timer != null) {
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** This consumer's gauges no longer count it (it is closed); its tenant meters are removed. */
  @Override
  public void close() {
    List.copyOf(tenantMeters.keySet()).forEach(this::tenantGone);
    gaugesToLeave.forEach(Runnable::run);
    gaugesToLeave.clear();
  }

  private static double sum(Set<Supplier<Number>> sources) {
    double total = 0;
    for (Supplier<Number> source : sources) {
      total += source.get().doubleValue();
    }
    return total;
  }
}
