/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Consumers sharing one SQS client keep at most maxLongPolls receives open together. */
@LocalAws
class LongPollBudgetIT {

  @Test
  void aConsumerBeyondTheBudget_failsStart_namingTheLimitsToRaise(
      AwsEndpoints endpoints, AwsResources aws) {
    try (SqsAsyncClient shared =
            endpoints.configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint()).build();
        SqsConsumer second = consumer(shared, aws.createQueue(), 2, 10);
        SqsConsumer third = consumer(shared, aws.createQueue(), 2, 10)) {
      SqsConsumer first = consumer(shared, aws.createQueue(), 2, 10);
      first.start();
      second.start();
      assertThatThrownBy(third::start)
          .isInstanceOf(ConsumerException.class)
          .hasMessageContaining(third.queueUrl())
          .hasMessageContaining("already serves 2 running consumer(s)")
          .hasMessageContaining("maxLongPolls is 2")
          .hasMessageContaining("Raise maxLongPolls")
          .hasMessageContaining("the HTTP client's max connections");
      assertThat(third.isRunning()).isFalse();

      // a closed consumer gives its place back
      closeNow(first);
      try (SqsConsumer fourth = consumer(shared, aws.createQueue(), 2, 10)) {
        fourth.start();
        assertThat(fourth.isRunning()).isTrue();
      }
    }
  }

  @Test
  void busyConsumersOnOneClient_keepTheirReceivesWithinMaxLongPolls(
      SqsClient sqs, AwsEndpoints endpoints, AwsResources aws) {
    OpenReceives receives = new OpenReceives();
    List<String> queues = List.of(aws.createQueue(), aws.createQueue());
    queues.forEach(queueUrl -> PollRampIT.send(sqs, queueUrl, 800));
    try (SqsAsyncClient shared = PollRampIT.counted(endpoints, receives);
        SqsConsumer one = consumer(shared, queues.get(0), 3, 50);
        SqsConsumer two = consumer(shared, queues.get(1), 3, 50)) {
      one.start();
      two.start();
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> one.stats().deleted() == 800 && two.stats().deleted() == 800);
      assertThat(receives.mostOpen()).as("receives open at once").isBetween(2, 3);
    }
  }

  @Test
  void consumersOnOneSynchronousClient_shareItsBudget(AwsEndpoints endpoints, AwsResources aws) {
    try (SqsClient shared = endpoints.newSqsClient();
        SqsConsumer first =
            SqsConsumer.builder()
                .sqsClient(shared)
                .queueUrl(aws.createQueue())
                .maxLongPolls(1)
                .waitTime(Duration.ofSeconds(1))
                .handler(message -> {})
                .build();
        SqsConsumer second =
            SqsConsumer.builder()
                .sqsClient(shared)
                .queueUrl(aws.createQueue())
                .maxLongPolls(1)
                .waitTime(Duration.ofSeconds(1))
                .handler(message -> {})
                .build()) {
      first.start();
      assertThatThrownBy(second::start).hasMessageContaining("maxLongPolls is 1");
    }
  }

  /**
   * A long poll that answers only after close() gave up waiting for it (a slow network): once it
   * answers, the closed consumer's place in the client's budget is free again.
   */
  @Test
  void aLongPollAnsweringAfterCloseReturned_stillGivesThePlaceBack(
      AwsEndpoints endpoints, AwsResources aws) {
    LateReceives late = new LateReceives();
    try (SqsAsyncClient shared =
        endpoints
            .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
            .overrideConfiguration(c -> c.addExecutionInterceptor(late))
            .build()) {
      SqsConsumer first =
          SqsConsumer.builder()
              .sqsClient(shared)
              .queueUrl(aws.createQueue())
              .maxLongPolls(1)
              .waitTime(Duration.ofSeconds(1))
              .shutdownTimeout(Duration.ZERO)
              .handler(message -> {})
              .build();
      first.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> late.sent.get() > 0);
      late.delayMillis = 9_000; // past close()'s wait for open long polls: wait time + 5 s
      first.close();
      await().atMost(Duration.ofSeconds(30)).until(() -> late.answeredLate.get() > 0);
      late.delayMillis = 0;

      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                try (SqsConsumer second = consumer(shared, aws.createQueue(), 1, 10)) {
                  second.start();
                  assertThat(second.isRunning()).isTrue();
                }
              });
    }
  }

  /** Holds each ReceiveMessage answer back for {@code delayMillis} before the caller gets it. */
  static final class LateReceives
      implements software.amazon.awssdk.core.interceptor.ExecutionInterceptor {
    volatile long delayMillis;
    final java.util.concurrent.atomic.AtomicInteger sent =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger answeredLate =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void beforeExecution(
        software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
        software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
      if (context.request()
          instanceof software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest) {
        sent.incrementAndGet();
      }
    }

    @Override
    public void afterExecution(
        software.amazon.awssdk.core.interceptor.Context.AfterExecution context,
        software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
      long delay = delayMillis;
      if (delay > 0
          && context.request()
              instanceof software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest) {
        try {
          Thread.sleep(delay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        answeredLate.incrementAndGet();
      }
    }
  }

  private static void closeNow(SqsConsumer consumer) {
    try (consumer) {
      assertThat(consumer.isRunning()).isTrue();
    }
  }

  private static SqsConsumer consumer(
      SqsAsyncClient sqs, String queueUrl, int maxLongPolls, int concurrency) {
    return SqsConsumer.builder()
        .sqsClient(sqs)
        .queueUrl(queueUrl)
        .maxLongPolls(maxLongPolls)
        .concurrency(concurrency)
        .waitTime(Duration.ofSeconds(1))
        .handler(message -> {})
        .build();
  }
}
