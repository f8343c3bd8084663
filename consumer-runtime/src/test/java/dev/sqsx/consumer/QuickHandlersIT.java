/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * A thread running quick handlers goes on with the messages behind it instead of waking others;
 * when one of those handlers blocks, the messages behind it still get another thread.
 */
@LocalAws
class QuickHandlersIT {

  @Test
  void aQuickHandlerThatBlocks_doesNotHoldUpTheMessagesBehindIt(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) throws Exception {
    String queueUrl = aws.createQueue();
    send(sqs, queueUrl, "quick", 300);
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger quickHandled = new AtomicInteger();
    AtomicInteger afterBlockHandled = new AtomicInteger();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    try (SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(4)
            .waitTime(Duration.ofSeconds(1))
            .handler(
                message -> {
                  threads.add(Thread.currentThread().getName());
                  switch (message.body().substring(0, message.body().indexOf('-'))) {
                    case "quick" -> quickHandled.incrementAndGet();
                    case "block" -> {
                      blocked.countDown();
                      release.await(30, TimeUnit.SECONDS);
                    }
                    default -> afterBlockHandled.incrementAndGet();
                  }
                })
            .build()) {
      consumer.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> quickHandled.get() == 300);

      send(sqs, queueUrl, "block", 1);
      assertThat(blocked.await(20, TimeUnit.SECONDS)).isTrue();
      send(sqs, queueUrl, "after", 30);

      // handled while the blocking handler still runs
      await().atMost(Duration.ofSeconds(20)).until(() -> afterBlockHandled.get() == 30);
      assertThat(release.getCount()).isEqualTo(1);
      release.countDown();
      await().atMost(Duration.ofSeconds(20)).until(() -> consumer.stats().deleted() == 331);
    }
    assertThat(threads).hasSizeBetween(2, 4);
  }

  private static void send(SqsClient sqs, String queueUrl, String kind, int count) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      entries.add(
          SendMessageBatchRequestEntry.builder()
              .id(Integer.toString(entries.size()))
              .messageBody(kind + "-" + i)
              .build());
      if (entries.size() == 10 || i == count - 1) {
        List<SendMessageBatchRequestEntry> batch = List.copyOf(entries);
        sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(batch));
        entries.clear();
      }
    }
  }
}
