/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqsx.consumer.TenantStats;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TenantLoadsTest {

  @Test
  void thousandTenants_nameAtMostTop_andTheRestSumUnderOther() {
    TenantLoads loads = new TenantLoads(5);
    for (int i = 0; i < 1_000; i++) {
      loads.held("t" + i);
    }
    for (int i = 0; i < 50; i++) {
      loads.held("noisy");
    }
    loads.processed("slow", 2_000_000_000L);

    loads.refresh();

    assertThat(loads.named()).hasSize(5).contains("noisy", "slow");
    assertThat(loads.tag("noisy")).isEqualTo("noisy");
    assertThat(loads.tag("t999")).isIn(TenantStats.OTHER, "t999");
    assertThat(loads.inFlight("noisy")).isEqualTo(50);
    List<TenantStats> stats = loads.snapshot();
    assertThat(stats).hasSize(6);
    assertThat(stats.get(stats.size() - 1).tenant()).isEqualTo(TenantStats.OTHER);
    assertThat(stats.stream().mapToLong(TenantStats::inFlight).sum()).isEqualTo(1_050);
    assertThat(loads.otherInFlight()).isEqualTo(stats.get(stats.size() - 1).inFlight());
  }

  @Test
  void handlerTime_decaysByHalfEachRefresh_andAnIdleTenantIsForgotten() {
    TenantLoads loads = new TenantLoads(2);
    loads.processed("a", 8_000);

    loads.refresh();
    assertThat(loads.snapshot().get(0)).isEqualTo(new TenantStats("a", 0, Duration.ofNanos(8_000)));
    loads.refresh();
    assertThat(loads.snapshot().get(0).processingTime()).isEqualTo(Duration.ofNanos(4_000));
    loads.refresh(); // 2,000 ns
    loads.refresh(); // 1,000 ns
    loads.refresh(); // 500 ns: below 1 µs, forgotten

    assertThat(loads.named()).isEmpty();
    assertThat(loads.known()).isZero();
    assertThat(loads.snapshot()).containsExactly(new TenantStats("other", 0, Duration.ZERO));
  }

  @Test
  void aTenantWithMessagesHeld_isNeverForgotten_andIdleOnesAreBounded() {
    TenantLoads loads = new TenantLoads(1);
    for (int i = 0; i < 1_000; i++) {
      loads.processed("idle" + i, 1_000_000L + i);
    }
    loads.held("busy");

    loads.refresh();

    assertThat(loads.known()).isEqualTo(TenantLoads.KEPT_PER_NAMED + 1);
    assertThat(loads.inFlight("busy")).isEqualTo(1);
    loads.finished("busy");
    assertThat(loads.inFlight("busy")).isZero();
  }

  /**
   * A million distinct groups, each one message handled and settled, between two refreshes (the
   * refresh may be up to an hour apart): the tenants remembered stay bounded without waiting for
   * the refresh, and the busiest idle one is among those kept.
   */
  @Test
  void aMillionDistinctGroupsBetweenRefreshes_keepMemoryBounded() {
    TenantLoads loads = new TenantLoads(2);
    int most = 0;
    for (int i = 0; i < 1_000_000; i++) {
      String tenant = "t" + i;
      loads.held(tenant);
      loads.processed(tenant, i == 7 ? 1_000_000_000L : 5_000);
      loads.finished(tenant);
      most = Math.max(most, loads.known());
    }
    loads.held("busy");

    assertThat(most).isLessThanOrEqualTo(4 * TenantLoads.KEPT_PER_NAMED * 2);
    loads.refresh();
    assertThat(loads.named()).contains("busy", "t7");
  }

  @Test
  void aGroupCalledOther_isCountedWithTheOthers_neverNamed() {
    TenantLoads loads = new TenantLoads(3);
    loads.held(TenantStats.OTHER);
    loads.held("x");

    loads.refresh();

    assertThat(loads.named()).containsExactly("x");
    assertThat(loads.otherInFlight()).isEqualTo(1);
  }

  @Test
  void top_mustBePositive() {
    assertThatThrownBy(() -> new TenantLoads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("top must be at least 1, was 0");
  }

  @Test
  void meters_followTheTop_andNeverExceedTopPlusOneTenantTags() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Set<String> present = new HashSet<>();
    int[] most = {0};
    registry
        .config()
        .onMeterAdded(m -> track(present, most, m, true))
        .onMeterRemoved(m -> track(present, most, m, false));
    MicrometerSink sink = new MicrometerSink(registry, "https://sqs/000/orders");
    Counters counters = new Counters(sink);
    TenantLoads loads = new TenantLoads(3);
    counters.trackTenants(loads);

    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 50; i++) {
        String tenant = "r" + round + "t" + i;
        loads.processed(tenant, 1_000_000L * (i + 1));
        sink.tenantTime(loads.tag(tenant), 1_000_000L);
      }
      counters.refreshTenants();
    }

    assertThat(most[0]).as("tenant tag values at once").isLessThanOrEqualTo(4);
    assertThat(registry.find("sqsx.consumer.tenant.processing").timers()).hasSize(4);
    assertThat(
            registry.get("sqsx.consumer.tenant.processing").tag("tenant", "other").timer().count())
        .isPositive();
    assertThat(loads.named()).contains("r19t49");
    sink.tenantTime("r19t49", 1_000);
    assertThat(
            registry
                .get("sqsx.consumer.tenant.processing")
                .tag("tenant", "r19t49")
                .timer()
                .totalTime(TimeUnit.NANOSECONDS))
        .isEqualTo(1_000.0);
    counters.close();
    assertThat(registry.find("sqsx.consumer.tenant.in.flight").gauges()).isEmpty();
  }

  private static synchronized void track(Set<String> present, int[] most, Meter m, boolean added) {
    String tenant = m.getId().getTag("tenant");
    if (tenant == null || !m.getId().getName().equals("sqsx.consumer.tenant.in.flight")) {
      return;
    }
    if (added) {
      present.add(tenant);
    } else {
      present.remove(tenant);
    }
    most[0] = Math.max(most[0], present.size());
  }
}
