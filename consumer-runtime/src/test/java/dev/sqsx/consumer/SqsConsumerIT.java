/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static dev.sqsx.consumer.ConsumerTestSupport.sendNumbered;
import static dev.sqsx.consumer.ConsumerTestSupport.visibleAndInFlight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

@LocalAws
class SqsConsumerIT {

  @Test
  void twoThousandMessages_concurrency16_eachHandledOnceAllDeleted_atAboutPoint2RequestsPerMessage(
      SqsClient sqs, AwsEndpoints endpoints, AwsResources aws) {
    String queueUrl = aws.createQueue();
    int total = 2_000;
    sendNumbered(sqs, queueUrl, total);
    Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    RequestCounter requests = new RequestCounter();

    try (SqsAsyncClient counted =
        endpoints
            .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
            .overrideConfiguration(c -> c.addExecutionInterceptor(requests))
            .build()) {
      SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(counted)
              .queueUrl(queueUrl)
              .concurrency(16)
              .waitTime(Duration.ofSeconds(1))
              .handler(
                  m ->
                      handled.computeIfAbsent(m.body(), k -> new AtomicInteger()).incrementAndGet())
              .build();
      consumer.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> consumer.stats().deleted() == total);
      consumer.close();

      ConsumerStats stats = consumer.stats();
      assertThat(handled).hasSize(total);
      assertThat(handled.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
      assertThat(stats.succeeded()).isEqualTo(total);
      assertThat(stats.deleteFailures()).isZero();
      assertThat(stats.inFlight()).isZero();
      assertThat(visibleAndInFlight(sqs, queueUrl)).containsExactly(0, 0);
      double perMessage =
          (requests.count("ReceiveMessage")
                  + requests.count("DeleteMessageBatch")
                  + requests.count("ChangeMessageVisibilityBatch"))
              / (double) total;
      System.out.printf(
          "SQS requests for %d messages: %s -> %.3f receive+delete+visibility requests per message%n",
          total, requests, perMessage);
      assertThat(perMessage).as("requests per message %s", requests).isLessThan(0.35);
    }
  }

  @Test
  void handlerTakingThreeVisibilityTimeouts_isNotRedeliveredMeanwhile_andIsDeletedAfter(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl =
        aws.createQueue(
            "slow",
            Map.of(
                software.amazon.awssdk.services.sqs.model.QueueAttributeName.VISIBILITY_TIMEOUT,
                "2"));
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("slow"));
    List<Integer> attempts = new CopyOnWriteArrayList<>();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(2)
            .waitTime(Duration.ofSeconds(1))
            .handler(
                m -> {
                  attempts.add(m.attempt());
                  Thread.sleep(6_000);
                })
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> consumer.stats().deleted() == 1);
    consumer.close();

    assertThat(attempts).containsExactly(1);
    assertThat(consumer.stats().visibilityExtensions()).isGreaterThanOrEqualTo(2);
    assertThat(visibleAndInFlight(sqs, queueUrl)).containsExactly(0, 0);
  }

  @Test
  void handlerExceedingMaxProcessingTime_stopsBeingExtended_andIsRedelivered(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("too slow"));
    List<Integer> attempts = new CopyOnWriteArrayList<>();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(2)
            .waitTime(Duration.ofSeconds(1))
            .visibilityTimeout(Duration.ofSeconds(1))
            .maxProcessingTime(Duration.ofSeconds(2))
            .handler(
                m -> {
                  attempts.add(m.attempt());
                  if (m.attempt() == 1) {
                    Thread.sleep(5_000);
                  }
                })
            .build();
    consumer.start();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> attempts.contains(2) && consumer.stats().deleted() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> consumer.stats().succeeded() == 2);
    consumer.close();

    assertThat(attempts).containsExactly(1, 2);
    assertThat(consumer.stats().deleted())
        .as("only the redelivery's handle is deleted")
        .isEqualTo(1);
    assertThat(visibleAndInFlight(sqs, queueUrl)).containsExactly(0, 0);
  }

  @Test
  void shutdownDuringLoad_losesNothing_andLeavesNothingInvisible(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    int total = 300;
    sendNumbered(sqs, queueUrl, total);
    Set<String> handled = ConcurrentHashMap.newKeySet();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(4)
            .prefetch(30)
            .waitTime(Duration.ofSeconds(20))
            .shutdownTimeout(Duration.ofSeconds(5))
            .handler(
                m -> {
                  Thread.sleep(100);
                  handled.add(m.body());
                })
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() >= 20);
    consumer.close();

    ConsumerStats stats = consumer.stats();
    assertThat(stats.released()).as("prefetched messages were released").isPositive();
    assertThat(stats.deleted()).isEqualTo(handled.size());
    assertThat(stats.inFlight()).isZero();
    assertThat(visibleAndInFlight(sqs, queueUrl))
        .as("right after close(): everything not deleted is visible again, nothing in flight")
        .containsExactly(total - handled.size(), 0);
  }

  @Test
  void failingHandler_leavesTheMessage_whichComesBackAndSucceeds(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("flaky"));
    List<String> seen = new CopyOnWriteArrayList<>();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queue.queueUrl())
            .waitTime(Duration.ofSeconds(1))
            .handler(
                m -> {
                  seen.add(
                      m.attempt() + "/" + m.maxReceiveCount().getAsInt() + "/" + m.isLastAttempt());
                  if (m.attempt() < 3) {
                    throw new IllegalStateException("dependency down");
                  }
                })
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> consumer.stats().deleted() == 1);
    consumer.close();

    assertThat(seen).containsExactly("1/5/false", "2/5/false", "3/5/false");
    assertThat(consumer.stats().failed()).isEqualTo(2);
  }

  @Test
  void withTheExtendedAsyncClient_handlersSeeResolvedLargePayloads_andPayloadsAreDeleted(
      SqsAsyncClient sqsAsync,
      S3AsyncClient s3Async,
      software.amazon.awssdk.services.s3.S3Client s3,
      AwsResources aws) {
    String queueUrl = aws.createQueue();
    String bucket = aws.createBucket();
    SqsExtendedAsyncClient extended =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
            .build();
    String large = "x".repeat(400 * 1024);
    extended.sendMessage(r -> r.queueUrl(queueUrl).messageBody(large)).join();
    extended.sendMessage(r -> r.queueUrl(queueUrl).messageBody("small")).join();
    List<Integer> sizes = new CopyOnWriteArrayList<>();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(extended)
            .queueUrl(queueUrl)
            .waitTime(Duration.ofSeconds(1))
            .handler(m -> sizes.add(m.body().length()))
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> consumer.stats().deleted() == 2);
    consumer.close();

    assertThat(sizes).containsExactlyInAnyOrder(400 * 1024, 5);
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
        .as("the offloaded payload was deleted with its message")
        .isEmpty();
  }

  @Test
  void meterRegistry_receivesTheConsumersCounts(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sendNumbered(sqs, queueUrl, 25);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .waitTime(Duration.ofSeconds(1))
            .meterRegistry(registry)
            .handler(m -> {})
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> consumer.stats().deleted() == 25);
    consumer.close();

    assertThat(registry.get("sqsx.consumer.received").counter().count()).isEqualTo(25);
    assertThat(registry.get("sqsx.consumer.succeeded").counter().count()).isEqualTo(25);
    assertThat(registry.get("sqsx.consumer.deleted").counter().count()).isEqualTo(25);
    assertThat(registry.get("sqsx.consumer.handler").tag("outcome", "success").timer().count())
        .isEqualTo(25);
    assertThat(registry.get("sqsx.consumer.in.flight").gauge().value()).isZero();
    assertThat(registry.get("sqsx.consumer.received").counter().getId().getTag("queue"))
        .isEqualTo(queueUrl.substring(queueUrl.lastIndexOf('/') + 1));
  }

  /**
   * A restarted listener runs in a new consumer on the same registry and queue: the in-flight gauge
   * follows the consumer running now, not the first one registered (closed, forever at 0).
   */
  @Test
  void inFlightGauge_followsTheConsumerRunningNow_notAClosedOneOnTheSameQueue(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SqsConsumer first =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .waitTime(Duration.ofSeconds(1))
            .meterRegistry(registry)
            .handler(m -> {})
            .build();
    first.start();
    first.close();

    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    SqsConsumer second =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .waitTime(Duration.ofSeconds(1))
            .meterRegistry(registry)
            .handler(m -> release.await())
            .build();
    second.start();
    try {
      sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("held"));
      await().atMost(Duration.ofSeconds(20)).until(() -> second.stats().inFlight() == 1);
      assertThat(registry.get("sqsx.consumer.in.flight").gauge().value())
          .as("the in-flight gauge while the second consumer handles one message")
          .isEqualTo(1.0);
    } finally {
      release.countDown();
      second.close();
    }
    assertThat(registry.get("sqsx.consumer.in.flight").gauge().value()).isZero();
  }

  @Test
  void startOnAMissingQueue_failsNamingTheQueue(SqsAsyncClient sqsAsync, AwsResources aws) {
    String missing = aws.createQueue() + "-missing";
    SqsConsumer consumer =
        SqsConsumer.builder().sqsClient(sqsAsync).queueUrl(missing).handler(m -> {}).build();

    org.assertj.core.api.Assertions.assertThatThrownBy(consumer::start)
        .isInstanceOf(ConsumerException.class)
        .hasMessageStartingWith("cannot read the attributes of queue " + missing);
    assertThat(consumer.isRunning()).isFalse();
    consumer.close();
  }
}
