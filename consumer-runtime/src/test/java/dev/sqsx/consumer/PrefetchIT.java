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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** What the consumer holds ahead of its handlers, and how a message reaches a handler thread. */
@LocalAws
class PrefetchIT {

  private static final int BODY_CHARS = 100_000;

  @Test
  void prefetchBytes_noReceiveWhileTheWaitingMessagesHoldThatMuchBody(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) throws InterruptedException {
    long bounded = receivedWhileTheHandlerIsBlocked(sqs, sqsAsync, aws, 1024);
    long unbounded = receivedWhileTheHandlerIsBlocked(sqs, sqsAsync, aws, 64L << 20);

    assertThat(bounded)
        .as("one receive of 10; the 9 waiting hold 900,000 characters, over the 1 KiB limit")
        .isEqualTo(10);
    assertThat(unbounded)
        .as("with room, the 11th permit (concurrency 1 + prefetch 10) is received too")
        .isEqualTo(11);
  }

  /**
   * 25 large messages, a handler that blocks on the first one; returns what was received while it
   * blocked, then lets it go and checks every message is handled and deleted (nothing lost).
   */
  private static long receivedWhileTheHandlerIsBlocked(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws, long prefetchBytes)
      throws InterruptedException {
    String queueUrl = aws.createQueue();
    String body = "x".repeat(BODY_CHARS);
    int count = 25;
    for (int i = 0; i < count; i++) {
      sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger handled = new AtomicInteger();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(1)
            .prefetchBytes(prefetchBytes)
            .waitTime(Duration.ofSeconds(1))
            .handler(
                m -> {
                  assertThat(m.body()).hasSize(BODY_CHARS);
                  release.await();
                  handled.incrementAndGet();
                })
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> consumer.stats().received() >= 10);
    // Something must NOT happen: give the second poll loop its fill wait (500 ms) twice over.
    Thread.sleep(1_500);
    long received = consumer.stats().received();
    release.countDown();
    await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deleted() == count);
    consumer.close();
    assertThat(handled).hasValue(count);
    return received;
  }

  @Test
  void aSynchronousHandler_goesOnToTheNextWaitingMessage_onItsOwnThread(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    int count = 200;
    ConsumerTestSupport.sendNumbered(sqs, queueUrl, count);
    AtomicInteger tasks = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    try {
      SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(sqsAsync)
              .queueUrl(queueUrl)
              .concurrency(2)
              .waitTime(Duration.ofSeconds(1))
              .executor(
                  task -> {
                    tasks.incrementAndGet();
                    pool.execute(task);
                  })
              .handler(m -> seen.add(Integer.parseInt(m.body())))
              .build();
      consumer.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deleted() == count);
      consumer.close();
    } finally {
      pool.shutdown();
    }

    assertThat(seen).hasSize(count);
    assertThat(tasks.get())
        .as("executor tasks for %d messages: one per hand-over, not one per message", count)
        .isPositive()
        .isLessThanOrEqualTo(count / 2);
  }

  @Test
  void slowHandlers_areFedFullBatches_notOneMessagePerFreedSlot(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    int count = 200;
    ConsumerTestSupport.sendNumbered(sqs, queueUrl, count);
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(4)
            .waitTime(Duration.ofSeconds(1))
            .handler(m -> Thread.sleep(100))
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> consumer.stats().deleted() == count);
    consumer.close();

    ConsumerStats stats = consumer.stats();
    double perReceive = stats.received() / (double) (stats.receives() - stats.emptyReceives());
    assertThat(perReceive)
        .as(
            "messages per non-empty receive (%d receives, %d empty, %d received): a queue this"
                + " full fills every receive while handlers are busy",
            stats.receives(), stats.emptyReceives(), stats.received())
        .isGreaterThanOrEqualTo(8.0);
  }
}
