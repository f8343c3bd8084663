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
 * listener) is what it shows, not the closed one Micrometer registered first. A tenant's meters are
 * shared the same way: the gauge sums the consumers of the queue naming the tenant, and both meters
 * are removed when the last of them stops naming it; after close() nothing is named any more.
 */
public final class MicrometerSink implements MetricsSink {

  private final MeterRegistry registry;
  private final Tags tags;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  /** The tenants this consumer names now: the shared meters and this consumer's source in them. */
  private final Map<String, Named> tenantMeters = new ConcurrentHashMap<>();

  private final Map<String, Timer> tenantTimers = new ConcurrentHashMap<>();

  /** Set by close(): no tenant is named any more (a refresh still running must not register). */
  private boolean closed;

  /** Per registry: the sources of each shared gauge, by name and tags. */
  private static final Map<MeterRegistry, Map<List<Object>, Set<Supplier<Number>>>> GAUGES =
      new WeakHashMap<>();

  /**
   * Per registry: each tenant's meters, by queue tags and tenant, shared by the consumers of that
   * queue on the registry that name the tenant now; removed when the last of them stops naming it.
   */
  private static final Map<MeterRegistry, Map<List<Object>, TenantMeters>> TENANTS =
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
    if (closed || tenantMeters.containsKey(tenant)) {
      return;
    }
    Supplier<Number> source = inFlight;
    List<Object> key = List.of(tags, tenant);
    TenantMeters meters;
    synchronized (GAUGES) {
      meters =
          TENANTS
              .computeIfAbsent(registry, r -> new ConcurrentHashMap<>())
              .computeIfAbsent(
                  key, k -> TenantMeters.register(registry, tags.and("tenant", tenant)));
      meters.sources().add(source);
    }
    tenantMeters.put(tenant, new Named(key, meters, source));
    tenantTimers.put(tenant, meters.timer());
  }

  @Override
  public synchronized void tenantGone(String tenant) {
    tenantTimers.remove(tenant);
    Named named = tenantMeters.remove(tenant);
    if (named == null) {
      return;
    }
    synchronized (GAUGES) {
      TenantMeters meters = named.meters();
      meters.sources().remove(named.source());
      Map<List<Object>, TenantMeters> ofRegistry = TENANTS.get(registry);
      if (meters.sources().isEmpty()) {
        if (ofRegistry != null) {
          ofRegistry.remove(named.key());
        }
        registry.remove(meters.gauge());
        registry.remove(meters.timer());
      }
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
    synchronized (this) {
      closed = true;
      List.copyOf(tenantMeters.keySet()).forEach(this::tenantGone);
    }
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

  /** One tenant's meters on a registry and the in-flight sources its gauge sums. */
  private record TenantMeters(Set<Supplier<Number>> sources, Gauge gauge, Timer timer) {
    static TenantMeters register(MeterRegistry registry, Tags tagged) {
      Set<Supplier<Number>> sources = ConcurrentHashMap.newKeySet();
      Gauge gauge =
          Gauge.builder("sqsx.consumer.tenant.in.flight", sources, MicrometerSink::sum)
              .tags(tagged)
              .strongReference(true)
              .register(registry);
      Timer timer =
          Timer.builder("sqsx.consumer.tenant.processing").tags(tagged).register(registry);
      return new TenantMeters(sources, gauge, timer);
    }
  }

  /** A tenant this consumer names: where its meters are kept and its own source in the gauge. */
  private record Named(List<Object> key, TenantMeters meters, Supplier<Number> source) {}
}
