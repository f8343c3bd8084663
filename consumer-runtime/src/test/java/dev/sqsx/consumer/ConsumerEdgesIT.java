/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static dev.sqsx.consumer.ConsumerTestSupport.sendNumbered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** The consumer's guarantees where they are easiest to break: postponements, leases, capacity. */
@LocalAws
class ConsumerEdgesIT {

  @Test
  void fifo_aPostponedMessageHoldsItsGroup_soTheGroupRunsInOrder(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createFifoQueue(false);
    int count = 12;
    sendGroup(sqs, queueUrl, "g", count);
    RateLimiter limiter = refusingTheFirstStartOnly();
    List<Integer> order = new CopyOnWriteArrayList<>();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(4)
            .waitTime(Duration.ofSeconds(1))
            .rateLimiter(limiter)
            .handler(m -> order.add(Integer.parseInt(m.body())))
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> consumer.stats().deleted() == count);
    consumer.close();

    assertThat(consumer.stats().postponed()).as("the limiter postponed some").isPositive();
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      expected.add(i);
    }
    assertThat(order).as("first effects in send order").containsExactlyElementsOf(expected);
  }

  @Test
  void fifo_aMessageWhosePayloadCannotBeResolved_holdsTheRestOfItsGroup(
      SqsClient sqs, SqsAsyncClient sqsAsync, S3AsyncClient s3Async, AwsResources aws) {
    QueueWithDlq queue = aws.createFifoQueueWithDlq(5, Duration.ofSeconds(2));
    String bucket = aws.createBucket();
    PayloadFailureBridge failures = new PayloadFailureBridge();
    SqsExtendedAsyncClient extended =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
            .resolutionListener(failures)
            .build();
    // not a pointer: the extended client leaves it out of its receive, the bridge dead-letters it
    String malformed = "{not a pointer";
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    entries.add(
        SendMessageBatchRequestEntry.builder()
            .id("m0")
            .messageGroupId("g")
            .messageDeduplicationId("g-0")
            .messageBody(malformed)
            .messageAttributes(
                Map.of(
                    "ExtendedPayloadSize",
                    MessageAttributeValue.builder().dataType("Number").stringValue("10").build()))
            .build());
    for (int i = 1; i <= 2; i++) {
      entries.add(
          SendMessageBatchRequestEntry.builder()
              .id("m" + i)
              .messageGroupId("g")
              .messageDeduplicationId("g-" + i)
              .messageBody(Integer.toString(i))
              .build());
    }
    assertThat(sqs.sendMessageBatch(r -> r.queueUrl(queue.queueUrl()).entries(entries)).failed())
        .isEmpty();
    Map<String, Long> deadLetteredWhenHandled = new ConcurrentHashMap<>();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(extended)
            .queueUrl(queue.queueUrl())
            .payloadFailures(failures)
            .concurrency(4)
            .waitTime(Duration.ofSeconds(1))
            .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(1)))
            // what the DLQ holds when 1 and 2 run: 0 is sent there before it is deleted from the
            // source, and only that delete lets SQS deliver the rest of its group (the consumer's
            // own dead-letter count follows the delete's answer, a moment later under load)
            .handler(
                m -> deadLetteredWhenHandled.put(m.body(), (long) aws.messagesIn(queue.dlqUrl())))
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(40)).until(() -> consumer.stats().deleted() == 2);
    consumer.close();

    assertThat(deadLetteredWhenHandled)
        .as("1 and 2 ran only after 0, whose pointer is malformed, left the group (dead-lettered)")
        .containsEntry("1", 1L)
        .containsEntry("2", 1L);
    assertThat(consumer.stats().deadLettered()).isEqualTo(1);
  }

  @Test
  void rateLimitedStarts_waitInTheConsumer_soAPostponementCostsNoReceive(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(2, Duration.ofSeconds(5));
    int count = 8;
    sendNumbered(sqs, queue.queueUrl(), count);
    RateLimiter limiter =
        RateLimiter.of(
            "slow-downstream",
            io.github.resilience4j.ratelimiter.RateLimiterConfig.custom()
                .limitForPeriod(2)
                .limitRefreshPeriod(Duration.ofMillis(500))
                .timeoutDuration(Duration.ZERO)
                .build());
    List<Integer> attempts = new CopyOnWriteArrayList<>();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queue.queueUrl())
            .concurrency(8)
            .waitTime(Duration.ofSeconds(1))
            .rateLimiter(limiter)
            .handler(m -> attempts.add(m.attempt()))
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deleted() == count);
    consumer.close();

    assertThat(consumer.stats().postponed()).as("the limiter refused some starts").isPositive();
    assertThat(attempts)
        .as("every message ran on its first receive: waiting for the limiter cost no receive")
        .hasSize(count)
        .containsOnly(1);
    assertThat(consumer.stats().received()).isEqualTo(count);
    assertThat(aws.messagesIn(queue.dlqUrl())).isZero();
  }

  @Test
  void aMessageWhoseVisibilityEndedWhileItWaited_isNotStarted_soNothingRunsTwice(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue("slow", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"));
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("slow"));
    sendNumbered(sqs, queueUrl, 4);
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    // One handler slot. "slow" takes 3 s on its first attempt, past the 2 s maximum processing
    // time (it is redelivered, by design); meanwhile the others wait past theirs.
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(1)
            .prefetch(10)
            .waitTime(Duration.ofSeconds(1))
            .maxProcessingTime(Duration.ofSeconds(2))
            .handler(
                m -> {
                  runs.computeIfAbsent(m.body(), b -> new AtomicInteger()).incrementAndGet();
                  if (m.body().equals("slow") && m.attempt() == 1) {
                    await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
                  }
                })
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> consumer.stats().deleted() == 5);
    consumer.close();

    assertThat(runs).containsKeys("0", "1", "2", "3");
    for (String waited : List.of("0", "1", "2", "3")) {
      assertThat(runs.get(waited).get())
          .as("message %s, which waited past its visibility, ran once", waited)
          .isEqualTo(1);
    }
    assertThat(consumer.stats().leasesLost())
        .as("copies whose visibility ended while they waited, counted and not started")
        .isPositive();
  }

  @Test
  void aNonRetryablePredicateThatThrows_costsNoHandlerSlot(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sendNumbered(sqs, queueUrl, 6);
    List<String> handled = new CopyOnWriteArrayList<>();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(1)
            .waitTime(Duration.ofSeconds(1))
            .nonRetryable(
                error -> {
                  throw new IllegalStateException("a predicate with a bug");
                })
            .handler(
                m -> {
                  if (Integer.parseInt(m.body()) % 2 == 0) {
                    throw new IllegalArgumentException("even");
                  }
                  handled.add(m.body());
                })
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() == 3);
    consumer.close();

    assertThat(handled).containsExactlyInAnyOrder("1", "3", "5");
  }

  @Test
  void anAsyncHandlerThatNeverCompletes_failsAtTheMaximumProcessingTime_andFreesItsSlot(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("stuck"));
    List<String> handled = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean stuckStarted =
        new java.util.concurrent.atomic.AtomicBoolean();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(1)
            .waitTime(Duration.ofSeconds(1))
            .maxProcessingTime(Duration.ofSeconds(2))
            .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(30)))
            .asyncHandler(
                m -> {
                  if (m.body().equals("stuck")) {
                    stuckStarted.set(true);
                    return new CompletableFuture<>();
                  }
                  handled.add(m.body());
                  return CompletableFuture.completedFuture(null);
                })
            .build();
    consumer.start();
    // sent once the stuck one holds the only slot: received after it, their maximum processing
    // time (counted from their receive) outlasts its own
    await().atMost(Duration.ofSeconds(10)).untilTrue(stuckStarted);
    sendNumbered(sqs, queueUrl, 3);
    await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() == 3);
    consumer.close();

    assertThat(consumer.stats().failed()).as("the stuck stage, failed on time").isPositive();
  }

  @Test
  void oneBridgeForTwoConsumers_closingTheOneBoundLastLeavesTheOtherReceivingFailures(
      SqsClient sqs, SqsAsyncClient sqsAsync, S3AsyncClient s3Async, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(2));
    PayloadFailureBridge failures = new PayloadFailureBridge();
    SqsExtendedAsyncClient extended =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(
                S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(aws.createBucket()).build())
            .resolutionListener(failures)
            .build();
    SqsConsumer first = bridgedConsumer(extended, queue.queueUrl(), failures);
    SqsConsumer second = bridgedConsumer(extended, queue.queueUrl(), failures);
    first.start();
    second.start();
    second.close();

    sqs.sendMessage(
        r ->
            r.queueUrl(queue.queueUrl())
                .messageBody("{not a pointer")
                .messageAttributes(
                    Map.of(
                        "ExtendedPayloadSize",
                        MessageAttributeValue.builder()
                            .dataType("Number")
                            .stringValue("14")
                            .build())));
    await().atMost(Duration.ofSeconds(20)).until(() -> first.stats().deadLettered() == 1);
    first.close();

    Message dead =
        sqs.receiveMessage(
                r -> r.queueUrl(queue.dlqUrl()).waitTimeSeconds(2).messageAttributeNames("All"))
            .messages()
            .get(0);
    assertThat(dead.messageAttributes().get("sqsx.ErrorClass").stringValue())
        .as("dead-lettered by the consumer still running, with the reason")
        .isEqualTo("dev.sqsx.extended.MalformedPointerException");
    assertThat(dead.messageAttributes().get("sqsx.Attempts").stringValue()).isEqualTo("1");
  }

  /**
   * A rate limiter that refuses the first start and admits every later one: the group's first
   * message is postponed while the next could run. Only {@code acquirePermission()} is used by the
   * consumer; the rest of resilience4j's interface is not needed here.
   */
  private static RateLimiter refusingTheFirstStartOnly() {
    AtomicInteger calls = new AtomicInteger();
    return (RateLimiter)
        Proxy.newProxyInstance(
            RateLimiter.class.getClassLoader(),
            new Class<?>[] {RateLimiter.class},
            (proxy, method, args) -> {
              if (method.getName().equals("acquirePermission")
                  && (args == null || args.length == 0)) {
                return calls.incrementAndGet() > 1;
              }
              switch (method.getName()) {
                case "getName", "toString":
                  return "refusing-once";
                case "hashCode":
                  return System.identityHashCode(proxy);
                case "equals":
                  return proxy == args[0];
                default:
                  break;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  private static SqsConsumer bridgedConsumer(
      SqsAsyncClient client, String queueUrl, PayloadFailureBridge failures) {
    return SqsConsumer.builder()
        .sqsClient(client)
        .queueUrl(queueUrl)
        .payloadFailures(failures)
        .waitTime(Duration.ofSeconds(1))
        .handler(m -> {})
        .build();
  }

  private static void sendGroup(SqsClient sqs, String queueUrl, String group, int count) {
    for (int from = 0; from < count; from += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + 10); i++) {
        entries.add(
            SendMessageBatchRequestEntry.builder()
                .id("m" + i)
                .messageGroupId(group)
                .messageDeduplicationId(group + "-" + i)
                .messageBody(Integer.toString(i))
                .build());
      }
      assertThat(sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)).failed())
          .isEmpty();
    }
  }
}
