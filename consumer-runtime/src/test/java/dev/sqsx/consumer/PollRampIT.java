/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * A consumer starts with one poll loop, adds loops while receives come back full and drops back to
 * one long poll when the queue is idle; consumers sharing a client keep their long polls within its
 * connection pool.
 */
@LocalAws
class PollRampIT {

  @Test
  void nineDefaultConsumers_onOneClientWithTheSdksDefaultPool_allStartAndConsume(
      SqsClient sqs, AwsEndpoints endpoints, AwsResources aws) {
    // the SDK's default async HTTP client: Netty, 50 connections, 10 s acquire timeout
    try (SqsAsyncClient shared =
        endpoints.configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint()).build()) {
      List<SqsConsumer> consumers = new ArrayList<>();
      List<String> queues = new ArrayList<>();
      AtomicInteger handled = new AtomicInteger();
      try {
        for (int i = 0; i < 9; i++) {
          String queueUrl = aws.createQueue();
          queues.add(queueUrl);
          SqsConsumer consumer =
              SqsConsumer.builder()
                  .sqsClient(shared)
                  .queueUrl(queueUrl)
                  .handler(message -> handled.incrementAndGet())
                  .build();
          consumers.add(consumer);
          consumer.start();
        }
        queues.forEach(queueUrl -> sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("one")));
        await().atMost(Duration.ofSeconds(30)).until(() -> handled.get() == 9);
        assertThat(consumers).allSatisfy(consumer -> assertThat(consumer.isRunning()).isTrue());
      } finally {
        CompletableFuture.allOf(
                consumers.stream()
                    .map(consumer -> CompletableFuture.runAsync(consumer::close))
                    .toArray(CompletableFuture[]::new))
            .join();
      }
    }
  }

  @Test
  void idleConsumerAtConcurrency10_keepsOneReceiveOpen(AwsEndpoints endpoints, AwsResources aws) {
    String queueUrl = aws.createQueue();
    OpenReceives receives = new OpenReceives();
    try (SqsAsyncClient counted = counted(endpoints, receives);
        SqsConsumer consumer =
            SqsConsumer.builder()
                .sqsClient(counted)
                .queueUrl(queueUrl)
                .concurrency(10)
                .waitTime(Duration.ofSeconds(1))
                .handler(message -> {})
                .build()) {
      consumer.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> receives.sent() >= 4);
      assertThat(receives.mostOpen()).as("receives open at once").isEqualTo(1);
    }
  }

  @Test
  void busyQueue_addsPollLoops_thenDropsBackToOneLongPollWhenIdle(
      SqsClient sqs, AwsEndpoints endpoints, AwsResources aws) {
    String queueUrl = aws.createQueue();
    send(sqs, queueUrl, 600);
    OpenReceives receives = new OpenReceives();
    try (SqsAsyncClient counted = counted(endpoints, receives);
        SqsConsumer consumer =
            SqsConsumer.builder()
                .sqsClient(counted)
                .queueUrl(queueUrl)
                .concurrency(10)
                .waitTime(Duration.ofSeconds(1))
                .handler(message -> Thread.sleep(5))
                .build()) {
      consumer.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> consumer.stats().deleted() == 600);
      assertThat(receives.mostOpen()).as("receives open at once while busy").isGreaterThan(1);

      // idle again: wait out the receives that were open, then count afresh
      int sent = receives.sent();
      await().atMost(Duration.ofSeconds(30)).until(() -> receives.sent() >= sent + 12);
      receives.resetMost();
      int after = receives.sent();
      await().atMost(Duration.ofSeconds(30)).until(() -> receives.sent() >= after + 4);
      assertThat(receives.mostOpen()).as("receives open at once when idle").isEqualTo(1);
    }
  }

  static SqsAsyncClient counted(AwsEndpoints endpoints, OpenReceives receives) {
    return endpoints
        .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
        .overrideConfiguration(c -> c.addExecutionInterceptor(receives))
        .build();
  }

  static void send(SqsClient sqs, String queueUrl, int count) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      entries.add(SendMessageBatchRequestEntry.builder().id("m" + i).messageBody("m-" + i).build());
      if (entries.size() == 10) {
        List<SendMessageBatchRequestEntry> batch = List.copyOf(entries);
        sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(batch));
        entries.clear();
      }
    }
    if (!entries.isEmpty()) {
      sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
    }
  }
}
