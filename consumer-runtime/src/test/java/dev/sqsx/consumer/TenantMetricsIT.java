/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Per-tenant meters on a standard queue (fair queues): bounded however many tenants appear. */
@LocalAws
class TenantMetricsIT {

  private static final int TOP = 5;
  private static final List<String> TENANT_METERS =
      List.of("sqsx.consumer.tenant.in.flight", "sqsx.consumer.tenant.processing");

  @Test
  void thousandTenants_atMostTopPlusOneTagValues_andTheBusiestIsNamed(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    // 1,000 tenants with one message each, and tenant "A" with 200, interleaved
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      entries.add(entry("tenant-" + i, i));
      if (i % 5 == 0) {
        entries.add(entry("A", i));
      }
    }
    send(sqs, queueUrl, entries);
    int total = entries.size();

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TagWatch watch = new TagWatch();
    registry.config().onMeterAdded(m -> watch.changed(m, true));
    registry.config().onMeterRemoved(m -> watch.changed(m, false));
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(8)
            .waitTime(Duration.ofSeconds(1))
            .meterRegistry(registry)
            .tenantMetrics(TOP)
            .tenantMetricsRefresh(Duration.ofSeconds(1))
            .handler(m -> Thread.sleep(m.messageGroupId().orElseThrow().equals("A") ? 20 : 5))
            .build();
    consumer.start();
    try {
      await().atMost(Duration.ofMinutes(2)).until(() -> consumer.stats().deleted() == total);
      // A's handler time (200 × 20 ms) outweighs any other tenant's (5 ms) for a while after
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  !consumer.tenants().isEmpty() && consumer.tenants().get(0).tenant().equals("A"));

      List<TenantStats> tenants = consumer.tenants();
      assertThat(tenants).hasSizeLessThanOrEqualTo(TOP + 1);
      assertThat(tenants.get(tenants.size() - 1).tenant()).isEqualTo(TenantStats.OTHER);
      assertThat(tenants).allSatisfy(t -> assertThat(t.inFlight()).isZero());
      assertThat(tenants.get(0).processingTime()).isGreaterThan(Duration.ofMillis(20));
      assertThat(registry.get("sqsx.consumer.tenant.in.flight").tag("tenant", "A").gauge().value())
          .isZero();
      assertThat(
              registry
                  .get("sqsx.consumer.tenant.processing")
                  .tag("tenant", "other")
                  .timer()
                  .count())
          .as("handler runs of tenants not named")
          .isPositive();
    } finally {
      consumer.close();
    }

    for (String meter : TENANT_METERS) {
      assertThat(watch.most(meter))
          .as("tag values of %s present at once, 1,001 tenants", meter)
          .isBetween(2, TOP + 1);
    }
    assertThat(watch.everNamed()).as("tenants named at some time").contains("A", "other");
    assertThat(registry.find("sqsx.consumer.tenant.in.flight").gauges())
        .as("removed on close")
        .isEmpty();
  }

  @Test
  void aFifoQueue_hasNoTenantMeters(SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String fifo = aws.createFifoQueue();
    sqs.sendMessage(
        r -> r.queueUrl(fifo).messageBody("x").messageGroupId("g").messageDeduplicationId("1"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(fifo)
            .waitTime(Duration.ofSeconds(1))
            .meterRegistry(registry)
            .handler(m -> {})
            .build();
    consumer.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deleted() == 1);
      assertThat(consumer.tenants()).isEmpty();
      assertThat(registry.find("sqsx.consumer.tenant.in.flight").gauges()).isEmpty();
    } finally {
      consumer.close();
    }
  }

  /** Which tenant tag values each tenant meter has at once, at most, over the whole run. */
  private static final class TagWatch {
    private final Map<String, Set<String>> present = new HashMap<>();
    private final Map<String, Integer> most = new HashMap<>();
    private final Set<String> everNamed = new HashSet<>();

    synchronized void changed(Meter meter, boolean added) {
      String name = meter.getId().getName();
      String tenant = meter.getId().getTag("tenant");
      if (tenant == null || !TENANT_METERS.contains(name)) {
        return;
      }
      Set<String> now = present.computeIfAbsent(name, n -> new HashSet<>());
      if (added) {
        now.add(tenant);
        everNamed.add(tenant);
      } else {
        now.remove(tenant);
      }
      most.merge(name, now.size(), Math::max);
    }

    synchronized int most(String name) {
      return most.getOrDefault(name, 0);
    }

    synchronized Set<String> everNamed() {
      return new HashSet<>(everNamed);
    }
  }

  private static SendMessageBatchRequestEntry entry(String group, int i) {
    return SendMessageBatchRequestEntry.builder()
        .id(group.replace("-", "") + "x" + i)
        .messageGroupId(group)
        .messageBody(group + ":" + i)
        .build();
  }

  private static void send(SqsClient sqs, String queueUrl, List<SendMessageBatchRequestEntry> all) {
    for (int from = 0; from < all.size(); from += 10) {
      List<SendMessageBatchRequestEntry> batch = all.subList(from, Math.min(all.size(), from + 10));
      var response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(batch));
      assertThat(response.failed()).isEmpty();
    }
  }
}
