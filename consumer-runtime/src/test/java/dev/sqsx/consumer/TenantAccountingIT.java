/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Each tenant's in-flight count returns to 0 whatever way its messages end: deleted after a
 * success, retried then deleted, dead-lettered, and released at shutdown while parked behind the
 * group's cap (and the one running then, once it ends).
 */
@LocalAws
class TenantAccountingIT {

  @Test
  void everyPath_bringsTheTenantsInFlightBackToZero(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) throws Exception {
    QueueWithDlq queue = aws.createQueueWithDlq(2, Duration.ofSeconds(5));
    for (int i = 0; i < 5; i++) {
      send(sqs, queue.queueUrl(), "ok", "ok-" + i);
      send(sqs, queue.queueUrl(), "flaky", "flaky-" + i);
    }
    for (int i = 0; i < 3; i++) {
      send(sqs, queue.queueUrl(), "poison", "poison-" + i);
    }
    for (int i = 0; i < 10; i++) {
      send(sqs, queue.queueUrl(), "capped", "capped-" + i);
    }
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    Set<String> cappedRuns = ConcurrentHashMap.newKeySet();
    CountDownLatch cappedMayEnd = new CountDownLatch(1);

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queue.queueUrl())
            .concurrency(4)
            .prefetch(20)
            .maxInFlightPerGroup(1)
            .waitTime(Duration.ofSeconds(1))
            .shutdownTimeout(Duration.ofMinutes(2))
            .retryPolicy(RetryPolicy.immediate())
            .tenantMetrics(10)
            .tenantMetricsRefresh(Duration.ofSeconds(1))
            .handler(
                m -> {
                  String tenant = m.messageGroupId().orElseThrow();
                  int attempt =
                      attempts
                          .computeIfAbsent(m.body(), b -> new AtomicInteger())
                          .incrementAndGet();
                  switch (tenant) {
                    case "capped" -> {
                      cappedRuns.add(m.body());
                      cappedMayEnd.await();
                    }
                    case "poison" -> throw new IllegalStateException("always fails");
                    case "flaky" -> {
                      if (attempt == 1) {
                        throw new IllegalStateException("fails once");
                      }
                    }
                    default -> {}
                  }
                })
            .build();
    consumer.start();
    Thread closer = null;
    try {
      // ok and flaky deleted, poison dead-lettered; one capped message runs, the rest wait behind
      // it
      await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () ->
                  consumer.stats().deleted() == 10
                      && consumer.stats().deadLettered() == 3
                      && cappedRuns.size() == 1
                      && inFlight(consumer.tenants(), "capped") == 10);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  inFlight(consumer.tenants(), "ok") == 0
                      && inFlight(consumer.tenants(), "flaky") == 0
                      && inFlight(consumer.tenants(), "poison") == 0
                      && total(consumer.tenants()) == 10);

      // close while 9 wait behind the cap: they are released; the running one ends after that
      closer = new Thread(consumer::close);
      closer.start();
      await().atMost(Duration.ofMinutes(1)).until(() -> consumer.stats().released() >= 9);
      cappedMayEnd.countDown();
      closer.join(Duration.ofMinutes(3).toMillis());
    } finally {
      cappedMayEnd.countDown();
      if (closer == null) {
        consumer.close();
      }
    }

    assertThat(closer.isAlive()).as("close() returned").isFalse();
    assertThat(cappedRuns).as("capped messages run: only the first, none twice").hasSize(1);
    assertThat(consumer.stats().inFlight()).isZero();
    assertThat(consumer.tenants())
        .allSatisfy(t -> assertThat(t.inFlight()).as(t.tenant()).isZero());
    assertThat(attempts.get("flaky-0").get()).isEqualTo(2);
  }

  private static long inFlight(List<TenantStats> tenants, String tenant) {
    return tenants.stream()
        .filter(t -> t.tenant().equals(tenant))
        .mapToLong(TenantStats::inFlight)
        .findFirst()
        .orElse(-1);
  }

  private static long total(List<TenantStats> tenants) {
    return tenants.stream().mapToLong(TenantStats::inFlight).sum();
  }

  private static void send(SqsClient sqs, String queueUrl, String group, String body) {
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body).messageGroupId(group));
  }
}
