/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.TenantStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load of each tenant (message group of a standard queue) on one consumer, and which tenants
 * are the top ones that the per-tenant meters name: at most {@code top}, whatever the number of
 * tenants, the rest summed as {@link TenantStats#OTHER}.
 *
 * <p>Per tenant it keeps the messages held now (received, not settled) and a decaying sum of
 * handler time: {@link #refresh()} halves every tenant's sum, then adds the handler time recorded
 * since the previous refresh. The top tenants are recomputed on each refresh, alternately the next
 * busiest by messages held and the next busiest by decayed handler time, until {@code top} are
 * named; between refreshes they stay as they are (a new tenant counts as {@code other} until the
 * refresh after it rose into the top). A tenant with no message held is forgotten once its handler
 * time has decayed away or when more than {@value #KEPT_PER_NAMED} × {@code top} idle tenants are
 * known (the least busy first) — at each refresh, and between refreshes as soon as the tenants
 * remembered double — so the memory too stays bounded by the messages held. Thread-safe.
 */
public final class TenantLoads {

  /** Idle tenants remembered per named one (their decayed time may bring them back to the top). */
  static final int KEPT_PER_NAMED = 10;

  /** A decayed handler time below this is forgotten. */
  private static final double FORGOTTEN_NANOS = 1_000;

  private final int top;
  private final Map<String, Load> loads = new ConcurrentHashMap<>();
  private volatile Set<String> named = Set.of();

  /**
   * Tenants remembered above which idle ones are forgotten at once, not at the next refresh (which
   * may be an hour away): twice what the last forgetting left, so its cost spreads over the new
   * tenants that came since.
   */
  private final AtomicInteger forgetAbove;

  /** Loads naming at most {@code top} (1 or more) tenants. */
  public TenantLoads(int top) {
    if (top < 1) {
      throw new IllegalArgumentException("top must be at least 1, was " + top);
    }
    this.top = top;
    this.forgetAbove = new AtomicInteger(2 * KEPT_PER_NAMED * top);
  }

  /** The tag value that {@code tenant}'s meters carry now: itself when named, else "other". */
  public String tag(String tenant) {
    return named.contains(tenant) ? tenant : TenantStats.OTHER;
  }

  /** The tenants named now (at most {@code top}), busiest first as of the last refresh. */
  public Set<String> named() {
    return named;
  }

  /** The consumer took a message of {@code tenant}. */
  void held(String tenant) {
    loads.compute(
        tenant,
        (t, load) -> {
          Load l = load == null ? new Load() : load;
          l.inFlight.incrementAndGet();
          return l;
        });
    forgetIfMany();
  }

  /** A message of {@code tenant} was settled (deleted, released, or let go). */
  void finished(String tenant) {
    loads.computeIfPresent(
        tenant,
        (t, load) -> {
          load.inFlight.decrementAndGet();
          return load;
        });
  }

  /** A handler of a message of {@code tenant} ran for {@code nanos}. */
  void processed(String tenant, long nanos) {
    loads.compute(
        tenant,
        (t, load) -> {
          Load l = load == null ? new Load() : load;
          l.recentNanos.addAndGet(nanos);
          return l;
        });
    forgetIfMany();
  }

  /** Between refreshes: forgets the least busy idle tenants once too many are remembered. */
  private void forgetIfMany() {
    if (loads.size() > forgetAbove.get()) {
      forgetIdleNow();
    }
  }

  private synchronized void forgetIdleNow() {
    if (loads.size() <= forgetAbove.get()) {
      return; // another thread has just done it
    }
    List<Snapshot> all = new ArrayList<>();
    for (Map.Entry<String, Load> e : loads.entrySet()) {
      Load load = e.getValue();
      all.add(
          new Snapshot(
              e.getKey(), load.inFlight.get(), load.decayedNanos + load.recentNanos.get()));
    }
    forgetIdle(all);
    forgetAbove.set(Math.max(2 * KEPT_PER_NAMED * top, 2 * loads.size()));
  }

  /** Messages of {@code tenant} held now. */
  public long inFlight(String tenant) {
    Load load = loads.get(tenant);
    return load == null ? 0 : load.inFlight.get();
  }

  /** Messages held now of the tenants not named. */
  public long otherInFlight() {
    Set<String> now = named;
    long sum = 0;
    for (Map.Entry<String, Load> e : loads.entrySet()) {
      if (!now.contains(e.getKey())) {
        sum += e.getValue().inFlight.get();
      }
    }
    return sum;
  }

  /**
   * Decays every tenant's handler time, forgets idle tenants, and recomputes the top ones.
   *
   * @return the tenants named before and not any more (whose meters go)
   */
  public synchronized Set<String> refresh() {
    List<Snapshot> all = new ArrayList<>();
    for (String tenant : loads.keySet()) {
      Load updated =
          loads.computeIfPresent(
              tenant,
              (t, load) -> {
                double before = load.decayedNanos;
                load.decayedNanos = before / 2 + load.recentNanos.getAndSet(0);
                return load.inFlight.get() <= 0 && load.decayedNanos < FORGOTTEN_NANOS
                    ? null
                    : load;
              });
      if (updated != null) {
        all.add(new Snapshot(tenant, updated.inFlight.get(), updated.decayedNanos));
      }
    }
    forgetIdle(all);
    forgetAbove.set(Math.max(2 * KEPT_PER_NAMED * top, 2 * loads.size()));
    Set<String> next = rank(all);
    Set<String> gone = new LinkedHashSet<>(named);
    gone.removeAll(next);
    named = next;
    return gone;
  }

  private void forgetIdle(List<Snapshot> all) {
    List<Snapshot> idle = new ArrayList<>();
    for (Snapshot s : all) {
      if (s.inFlight() <= 0) {
        idle.add(s);
      }
    }
    int keep = KEPT_PER_NAMED * top;
    if (idle.size() <= keep) {
      return;
    }
    idle.sort(Comparator.comparingDouble(Snapshot::nanos));
    for (Snapshot s : idle.subList(0, idle.size() - keep)) {
      loads.computeIfPresent(s.tenant(), (t, load) -> load.inFlight.get() <= 0 ? null : load);
      all.remove(s);
    }
  }

  private Set<String> rank(List<Snapshot> all) {
    List<Snapshot> byInFlight = new ArrayList<>();
    List<Snapshot> byTime = new ArrayList<>();
    for (Snapshot s : all) {
      if (s.tenant().equals(TenantStats.OTHER)) {
        continue;
      }
      if (s.inFlight() > 0) {
        byInFlight.add(s);
      }
      if (s.nanos() >= FORGOTTEN_NANOS) {
        byTime.add(s);
      }
    }
    byInFlight.sort(
        Comparator.comparingLong(Snapshot::inFlight).reversed().thenComparing(Snapshot::tenant));
    byTime.sort(
        Comparator.comparingDouble(Snapshot::nanos).reversed().thenComparing(Snapshot::tenant));
    Set<String> next = new LinkedHashSet<>();
    int i = 0;
    int j = 0;
    while (next.size() < top && (i < byInFlight.size() || j < byTime.size())) {
      if (i < byInFlight.size()) {
        next.add(byInFlight.get(i++).tenant());
      }
      if (next.size() < top && j < byTime.size()) {
        next.add(byTime.get(j++).tenant());
      }
    }
    return Collections.unmodifiableSet(next);
  }

  /**
   * The named tenants, busiest first as of the last refresh, then one {@link TenantStats#OTHER}
   * entry summing the rest; messages held are live, handler times as of the last refresh.
   */
  public List<TenantStats> snapshot() {
    Set<String> now = named;
    List<TenantStats> stats = new ArrayList<>(now.size() + 1);
    long otherInFlight = 0;
    double otherNanos = 0;
    for (String tenant : now) {
      Load load = loads.get(tenant);
      stats.add(
          new TenantStats(
              tenant,
              load == null ? 0 : load.inFlight.get(),
              Duration.ofNanos(load == null ? 0 : (long) load.decayedNanos)));
    }
    for (Map.Entry<String, Load> e : loads.entrySet()) {
      if (!now.contains(e.getKey())) {
        otherInFlight += e.getValue().inFlight.get();
        otherNanos += e.getValue().decayedNanos;
      }
    }
    stats.add(
        new TenantStats(TenantStats.OTHER, otherInFlight, Duration.ofNanos((long) otherNanos)));
    return stats;
  }

  /** Tenants remembered now (named or not): for tests of the memory bound. */
  int known() {
    return loads.size();
  }

  /** Changed only inside the map's compute functions (one at a time per tenant). */
  private static final class Load {
    final AtomicLong inFlight = new AtomicLong();
    final AtomicLong recentNanos = new AtomicLong();
    volatile double decayedNanos;
  }

  private record Snapshot(String tenant, long inFlight, double nanos) {}
}
