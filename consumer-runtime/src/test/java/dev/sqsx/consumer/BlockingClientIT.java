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
import dev.sqsx.testing.QueueWithDlq;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A consumer on a synchronous {@code SqsClient}: the same outcomes as on an asynchronous one —
 * deletes, retries, the DLQ with its reason, heartbeats — with the calls on its own I/O threads,
 * which end with it.
 */
@LocalAws
class BlockingClientIT {

  @Test
  void onASyncClient_messagesAreDeletedRetriedDeadLetteredAndHeartbeated(
      SqsClient sqs, AwsResources aws) {
    // 4 s: at 2 s a heartbeat starved for 2 s under load (average 27 on 2 cores) let the poison
    // message come back and run twice
    QueueWithDlq queue = aws.createQueueWithDlq(3, Duration.ofSeconds(4));
    for (String body : List.of("ok-1", "ok-2", "flaky", "poison", "slow")) {
      sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody(body));
    }
    Map<String, Integer> attempts = new ConcurrentHashMap<>();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqs)
            .queueUrl(queue.queueUrl())
            .concurrency(4)
            .waitTime(Duration.ofSeconds(1))
            .retryPolicy(RetryPolicy.immediate())
            .handler(
                message -> {
                  attempts.merge(message.body(), 1, Integer::sum);
                  switch (message.body()) {
                    case "flaky" -> {
                      if (message.attempt() == 1) {
                        throw new IllegalStateException("first time fails");
                      }
                    }
                    case "poison" -> throw new NonRetryableException("never works");
                    case "slow" -> Thread.sleep(5_500); // past the 4 s visibility
                    default -> {}
                  }
                })
            .build();
    try (consumer) {
      consumer.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> consumer.stats().deleted() == 4 && consumer.stats().deadLettered() == 1);
      assertThat(ioThreads()).as("the consumer's I/O threads while it runs").isNotEmpty();
    }

    assertThat(attempts)
        .containsEntry("ok-1", 1)
        .containsEntry("flaky", 2)
        .containsEntry("poison", 1)
        .containsEntry("slow", 1);
    assertThat(consumer.stats().visibilityExtensions())
        .as("heartbeats of the slow message")
        .isPositive();
    assertThat(ConsumerTestSupport.visibleAndInFlight(sqs, queue.queueUrl())).containsExactly(0, 0);
    List<Message> dead =
        sqs.receiveMessage(
                r ->
                    r.queueUrl(queue.dlqUrl())
                        .waitTimeSeconds(2)
                        .messageAttributeNames("All")
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
            .messages();
    assertThat(dead).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo("poison"));
    assertThat(dead.get(0).messageAttributes().toString()).contains("never works");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(ioThreads()).as("after close()").isEmpty());
  }

  @Test
  void aClientIsOneOrTheOther_theLastOneSetWins(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("one"));
    Set<String> threads = ConcurrentHashMap.newKeySet();
    try (SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .sqsClient(sqs)
            .queueUrl(queueUrl)
            .waitTime(Duration.ofSeconds(1))
            .handler(message -> threads.add(Thread.currentThread().getName()))
            .build()) {
      consumer.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> consumer.stats().deleted() == 1);
      assertThat(ioThreads()).isNotEmpty();
    }
    assertThatThrownBy(() -> SqsConsumer.builder().sqsClient((SqsClient) null).queueUrl(queueUrl))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("sqsClient cannot be null");
  }

  private static List<String> ioThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("sqsx-consumer-io"))
        .toList();
  }
}
