/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static dev.sqsx.consumer.ConsumerTestSupport.sendNumbered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

@LocalAws
class BatchAndRedriveIT {

  @Test
  void batchHandler_partialFailures_areRetriedPerMessage(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    sendNumbered(sqs, queue.queueUrl(), 25);
    List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    Set<String> done = ConcurrentHashMap.newKeySet();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queue.queueUrl())
            .concurrency(2)
            .waitTime(Duration.ofSeconds(1))
            .retryPolicy(RetryPolicy.immediate())
            .batchHandler(
                messages -> {
                  batchSizes.add(messages.size());
                  BatchOutcome.Builder outcome = BatchOutcome.builder();
                  for (ReceivedMessage m : messages) {
                    int n = Integer.parseInt(m.body());
                    int attempt =
                        attempts
                            .computeIfAbsent(m.body(), k -> new AtomicInteger())
                            .incrementAndGet();
                    if (n % 2 == 1 && attempt == 1) {
                      outcome.failed(m.messageId(), new IllegalStateException("odd, first time"));
                    } else {
                      done.add(m.body());
                    }
                  }
                  return outcome.build();
                })
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deleted() == 25);
    consumer.close();

    assertThat(done).hasSize(25);
    assertThat(batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, 10));
    assertThat(consumer.stats().failed()).isEqualTo(12);
    attempts.forEach(
        (body, count) ->
            assertThat(count.get()).as(body).isEqualTo(Integer.parseInt(body) % 2 == 1 ? 2 : 1));
  }

  @Test
  void batchHandler_onAFifoQueue_isRefusedAtStart(SqsAsyncClient sqsAsync, AwsResources aws) {
    String fifo = aws.createFifoQueue();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(fifo)
            .batchHandler(messages -> BatchOutcome.allSucceeded())
            .build();

    assertThatThrownBy(consumer::start)
        .isInstanceOf(ConsumerException.class)
        .hasMessageStartingWith("a batch handler cannot keep FIFO group order");
  }

  @Test
  void redrive_bringsDeadLetteredMessagesBack_andTheyAreThenProcessed(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    sendNumbered(sqs, queue.queueUrl(), 6);
    Set<String> processed = ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicBoolean fixed =
        new java.util.concurrent.atomic.AtomicBoolean();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queue.queueUrl())
            .waitTime(Duration.ofSeconds(1))
            .handler(
                m -> {
                  if (!fixed.get()) {
                    throw new NonRetryableException("bug in release 1.0");
                  }
                  processed.add(m.body());
                })
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> consumer.stats().deadLettered() == 6);
    fixed.set(true);

    DeadLetterRedrive redrive = DeadLetterRedrive.of(sqsAsync);
    String task = redrive.start(queue.dlqArn()).join();
    await().atMost(Duration.ofSeconds(30)).until(() -> processed.size() == 6);
    List<DeadLetterRedrive.MoveTask> tasks = redrive.list(queue.dlqArn()).join();
    consumer.close();

    assertThat(task).isNotBlank();
    assertThat(tasks).isNotEmpty();
    assertThat(tasks.get(0).moved()).isEqualTo(6);
    assertThat(processed).containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5");
    assertThat(ConsumerTestSupport.visibleAndInFlight(sqs, queue.dlqUrl())).containsExactly(0, 0);
  }
}
