/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Fair queues: a {@code MessageGroupId} on a standard queue, and {@code maxInFlightPerGroup}. */
@LocalAws
class FairQueueIT {

  private static final List<String> QUIET = List.of("B", "C", "D", "E");

  @Test
  void aFloodingGroup_neverHoldsMoreThanItsCap_andTheQuietGroupsFinishBeforeItsBacklog(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    // A floods 200, B..E send 5 each, interleaved (one quiet message after every 10 of A's)
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    int quiet = 0;
    for (int i = 0; i < 200; i++) {
      entries.add(entry("A", i));
      if (i % 10 == 5) {
        entries.add(entry(QUIET.get(quiet % 4), quiet));
        quiet++;
      }
    }
    send(sqs, queueUrl, entries);
    int total = entries.size();

    Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> maxRunning = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    AtomicInteger floodHandled = new AtomicInteger();
    AtomicInteger floodHandledWhenQuietDone = new AtomicInteger();
    AtomicInteger groupless = new AtomicInteger();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(8)
            .maxInFlightPerGroup(2)
            // a small prefetch: without parking, A's waiting messages would hold all 18 places
            .prefetch(10)
            .waitTime(Duration.ofSeconds(1))
            .handler(
                m -> {
                  String group = m.messageGroupId().orElse(null);
                  if (group == null) {
                    groupless.incrementAndGet();
                    return;
                  }
                  int now =
                      running.computeIfAbsent(group, g -> new AtomicInteger()).incrementAndGet();
                  maxRunning
                      .computeIfAbsent(group, g -> new AtomicInteger())
                      .accumulateAndGet(now, Math::max);
                  try {
                    Thread.sleep(group.equals("A") ? 40 : 5);
                    handled.computeIfAbsent(m.body(), b -> new AtomicInteger()).incrementAndGet();
                    if (group.equals("A")) {
                      floodHandled.incrementAndGet();
                    } else {
                      floodHandledWhenQuietDone.accumulateAndGet(floodHandled.get(), Math::max);
                    }
                  } finally {
                    running.get(group).decrementAndGet();
                  }
                })
            .build();
    consumer.start();
    try {
      await().atMost(Duration.ofMinutes(2)).until(() -> consumer.stats().deleted() == total);
    } finally {
      consumer.close();
    }

    assertThat(groupless).as("every message carried its group").hasValue(0);
    assertThat(maxRunning.get("A")).as("A never held more than its cap").hasValue(2);
    assertThat(handled).hasSize(total);
    assertThat(handled.values()).allSatisfy(n -> assertThat(n).as("handled once").hasValue(1));
    // the last quiet message was sent after 195 of A's: it runs as soon as the consumer reads
    // it, 10 × concurrency waiting messages of A past their cap not holding up the receives
    assertThat(floodHandledWhenQuietDone.get())
        .as("how many of A's 200 had been handled when B..E were all done")
        .isLessThan(160);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                ConsumerTestSupport.visibleAndInFlight(sqs, queueUrl)[0] == 0
                    && ConsumerTestSupport.visibleAndInFlight(sqs, queueUrl)[1] == 0);
  }

  @Test
  void shutdown_withMessagesWaitingBehindTheirGroupsCap_losesNone(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      entries.add(entry("A", i));
    }
    send(sqs, queueUrl, entries);
    Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(4)
            .maxInFlightPerGroup(1)
            .waitTime(Duration.ofSeconds(1))
            .handler(
                m -> {
                  Thread.sleep(200);
                  handled.computeIfAbsent(m.body(), b -> new AtomicInteger()).incrementAndGet();
                })
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() >= 2);
    consumer.close();

    int done = handled.size();
    assertThat(done).isLessThan(30);
    assertThat(handled.values()).allSatisfy(n -> assertThat(n).as("handled once").hasValue(1));
    // the waiting ones were released: visible again at once, none in flight
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(ConsumerTestSupport.visibleAndInFlight(sqs, queueUrl))
                    .containsExactly(30 - done, 0));
  }

  @Test
  void maxInFlightPerGroup_onAFifoQueue_isRefusedAtStart(
      SqsAsyncClient sqsAsync, AwsResources aws) {
    String fifo = aws.createFifoQueue();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(fifo)
            .maxInFlightPerGroup(2)
            .handler(m -> {})
            .build();

    assertThatThrownBy(consumer::start)
        .isInstanceOf(ConsumerException.class)
        .hasMessageContaining("maxInFlightPerGroup(2) is for standard queues")
        .hasMessageContaining(fifo);
  }

  private static SendMessageBatchRequestEntry entry(String group, int i) {
    return SendMessageBatchRequestEntry.builder()
        .id(group + i)
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
