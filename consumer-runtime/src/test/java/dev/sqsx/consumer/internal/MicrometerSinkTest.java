/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerSinkTest {

  @Test
  void counts_andTimings_reachTheirMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerSink sink = new MicrometerSink(registry, "https://sqs/000/orders");

    for (int i = 0; i < 100; i++) {
      sink.count("received", 1);
      sink.time("handler", "success", 5, TimeUnit.MILLISECONDS);
    }

    assertThat(registry.get("sqsx.consumer.received").tag("queue", "orders").counter().count())
        .isEqualTo(100.0);
    assertThat(registry.get("sqsx.consumer.handler").timer().count()).isEqualTo(100);
    assertThat(registry.getMeters()).hasSize(2);
  }

  /**
   * Two consumers of one queue on one registry (two listeners, or a restarted one overlapping the
   * old) name the same tenant: its gauge sums both, and one of them dropping the tenant (or
   * closing) leaves the other's meters in the registry, still counting.
   */
  @Test
  void twoConsumersOfOneQueue_shareATenantsMeters_andOneLeavingKeepsTheOthers() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerSink first = new MicrometerSink(registry, "https://sqs/000/orders");
    MicrometerSink second = new MicrometerSink(registry, "https://sqs/000/orders");

    first.tenantNamed("acme", () -> 2);
    second.tenantNamed("acme", () -> 3);
    assertThat(tenantGauge(registry, "acme").value()).isEqualTo(5.0);

    first.tenantGone("acme");
    assertThat(tenantGauge(registry, "acme").value()).isEqualTo(3.0);
    second.tenantTime("acme", 1_000_000);
    assertThat(tenantTimer(registry, "acme").count()).isEqualTo(1);

    first.close();
    second.tenantTime("acme", 1_000_000);
    assertThat(tenantGauge(registry, "acme").value()).isEqualTo(3.0);
    assertThat(tenantTimer(registry, "acme").count()).isEqualTo(2);

    second.close();
    assertThat(registry.find("sqsx.consumer.tenant.in.flight").meters()).isEmpty();
    assertThat(registry.find("sqsx.consumer.tenant.processing").meters()).isEmpty();
  }

  /**
   * A refresh of the top tenants still running when the consumer closes (close() does not wait for
   * the scheduler) names tenants after close: no meter may come back, or it would stay in the
   * registry reading the closed consumer's loads (and a consumer rebuilt on the registry would get
   * that stale gauge back for the tenant).
   */
  @Test
  void aTenantNamedAfterClose_registersNoMeter() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerSink closed = new MicrometerSink(registry, "https://sqs/000/orders");
    closed.tenantNamed("acme", () -> 7);
    closed.close();

    closed.tenantNamed("acme", () -> 7);
    closed.tenantNamed("other", () -> 7);

    assertThat(registry.find("sqsx.consumer.tenant.in.flight").meters()).isEmpty();
    assertThat(registry.find("sqsx.consumer.tenant.processing").meters()).isEmpty();

    MicrometerSink rebuilt = new MicrometerSink(registry, "https://sqs/000/orders");
    rebuilt.tenantNamed("acme", () -> 1);
    assertThat(tenantGauge(registry, "acme").value()).isEqualTo(1.0);
  }

  /** Group ids as SQS allows them (128 characters, any unicode) are tag values like any other. */
  @Test
  void hostileGroupIds_areTagValues_andGoAgain() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerSink sink = new MicrometerSink(registry, "https://sqs/000/orders");
    String longest = "\u00fc\u6f22".repeat(64);
    sink.tenantNamed(longest, () -> 1);
    sink.tenantNamed("a b,c=d\"", () -> 2);

    assertThat(tenantGauge(registry, longest).value()).isEqualTo(1.0);
    assertThat(tenantGauge(registry, "a b,c=d\"").value()).isEqualTo(2.0);
    sink.tenantGone(longest);
    sink.tenantGone("a b,c=d\"");
    assertThat(registry.find("sqsx.consumer.tenant.in.flight").meters()).isEmpty();
  }

  private static Gauge tenantGauge(SimpleMeterRegistry registry, String tenant) {
    return registry
        .get("sqsx.consumer.tenant.in.flight")
        .tag("queue", "orders")
        .tag("tenant", tenant)
        .gauge();
  }

  private static Timer tenantTimer(SimpleMeterRegistry registry, String tenant) {
    return registry
        .get("sqsx.consumer.tenant.processing")
        .tag("queue", "orders")
        .tag("tenant", tenant)
        .timer();
  }
}
