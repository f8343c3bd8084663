/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.ConsumerStats;
import dev.sqsx.consumer.TenantStats;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The consumer's counts, kept for {@link ConsumerStats} and forwarded to the metrics sink. */
public final class Counters {

  private final MetricsSink metrics;
  private final LongAdder receives = new LongAdder();
  private final LongAdder emptyReceives = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder deleted = new LongAdder();
  private final LongAdder deleteFailures = new LongAdder();
  private final LongAdder released = new LongAdder();
  private final LongAdder extensions = new LongAdder();
  private final LongAdder leasesLost = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final LongAdder postponed = new LongAdder();
  private final AtomicLong inFlight = new AtomicLong();

  /** The tenants' loads when per-tenant metrics are on (a standard queue), else null. */
  private volatile TenantLoads tenants;

  /** Counters that also report to {@code metrics}. */
  public Counters(MetricsSink metrics) {
    this.metrics = metrics;
    metrics.gauge("in.flight", inFlight::get);
  }

  /**
   * Counts each message with a group in its tenant's load from now on, and publishes the top
   * tenants' meters (the "other" ones at once, the named ones from the first {@link
   * #refreshTenants()}).
   */
  public void trackTenants(TenantLoads loads) {
    this.tenants = loads;
    metrics.tenantNamed(TenantStats.OTHER, loads::otherInFlight);
  }

  /** Recomputes the top tenants and moves their meters: those that left go, new ones come. */
  public void refreshTenants() {
    TenantLoads loads = tenants;
    if (loads == null) {
      return;
    }
    loads.refresh().forEach(metrics::tenantGone);
    for (String tenant : loads.named()) {
      metrics.tenantNamed(tenant, () -> loads.inFlight(tenant));
    }
  }

  /** The top tenants and the rest; empty when per-tenant metrics are off. */
  public List<TenantStats> tenants() {
    TenantLoads loads = tenants;
    return loads == null ? List.of() : loads.snapshot();
  }

  /** The consumer is closed: its gauges no longer report it. */
  public void close() {
    metrics.close();
  }

  void receive(int messages) {
    receives.increment();
    metrics.count("receives", 1);
    if (messages == 0) {
      emptyReceives.increment();
      metrics.count("receives.empty", 1);
    } else {
      received.add(messages);
      inFlight.addAndGet(messages);
      metrics.count("received", messages);
    }
  }

  /** A receive request that failed (it is retried after a backoff). */
  void receiveFailed() {
    metrics.count("receive.failures", 1);
  }

  /** A message the consumer took: counted in its tenant's load. */
  void held(Lease lease) {
    TenantLoads loads = tenants;
    String group = loads == null ? null : lease.received().messageGroupId().orElse(null);
    if (group != null && lease.countTenant()) {
      loads.held(group);
    }
  }

  void handled(Lease lease, boolean success, long latencyNanos) {
    handled(success, latencyNanos);
    TenantLoads loads = tenants;
    String group = loads == null ? null : lease.received().messageGroupId().orElse(null);
    if (group != null) {
      loads.processed(group, latencyNanos);
      metrics.tenantTime(loads.tag(group), latencyNanos);
    }
  }

  private void handled(boolean success, long latencyNanos) {
    (success ? succeeded : failed).increment();
    metrics.count(success ? "succeeded" : "failed", 1);
    metrics.time("handler", success ? "success" : "failure", latencyNanos, TimeUnit.NANOSECONDS);
  }

  void finished(Lease lease) {
    inFlight.decrementAndGet();
    TenantLoads loads = tenants;
    if (loads != null && lease.uncountTenant()) {
      lease.received().messageGroupId().ifPresent(loads::finished);
    }
  }

  void finished(List<Lease> leases) {
    leases.forEach(this::finished);
  }

  void deleted(int messages) {
    deleted.add(messages);
    metrics.count("deleted", messages);
  }

  void deleteFailed(int messages) {
    deleteFailures.add(messages);
    metrics.count("delete.failures", messages);
  }

  void released(int messages) {
    released.add(messages);
    metrics.count("released", messages);
  }

  void extended(int messages) {
    extensions.add(messages);
    metrics.count("visibility.extensions", messages);
  }

  void leaseLost() {
    leasesLost.increment();
    metrics.count("leases.lost", 1);
  }

  /** A message whose visibility ended while it waited for a handler: it is not started. */
  void expiredWaiting() {
    leasesLost.increment();
    metrics.count("leases.lost", 1);
    metrics.count("leases.expired.waiting", 1);
  }

  /** Tasks the handler executor refused: their messages stay held in the line for a retry. */
  void rejected(int messages) {
    metrics.count("executor.rejections", messages);
  }

  /** A received message whose payload the extended client could not resolve. */
  public void payloadFailed() {
    failed.increment();
    metrics.count("failed", 1);
    metrics.count("payload.failures", 1);
  }

  void deadLettered() {
    deadLettered.increment();
    metrics.count("dead.lettered", 1);
  }

  /** A message the handler gate refused to start now: it waits, held, for the gate. */
  void postponed() {
    postponed.increment();
    metrics.count("postponed", 1);
  }

  /** A snapshot. */
  public ConsumerStats snapshot() {
    return new ConsumerStats(
        receives.sum(),
        emptyReceives.sum(),
        received.sum(),
        succeeded.sum(),
        failed.sum(),
        deleted.sum(),
        deleteFailures.sum(),
        released.sum(),
        extensions.sum(),
        leasesLost.sum(),
        deadLettered.sum(),
        postponed.sum(),
        inFlight.get());
  }
}
