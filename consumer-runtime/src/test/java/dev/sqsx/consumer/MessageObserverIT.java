/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.MessageObserver.Observation;
import dev.sqsx.consumer.MessageObserver.Outcome;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The observer hook, without OpenTelemetry on the class path: what it is told for each message
 * (start, scope around the handler, heartbeats, one settlement with where the message went), and
 * that an observer that throws changes nothing.
 */
@LocalAws
class MessageObserverIT {

  /** One settlement an observer was told about. */
  record Settled(String body, Outcome outcome, Throwable error, String detail, int attempt) {}

  /** Records what it is told; {@code inScope} holds while an observation is open on a thread. */
  static final class Recorder implements MessageObserver {
    final List<Settled> settled = new CopyOnWriteArrayList<>();
    final List<Integer> batches = new CopyOnWriteArrayList<>();
    final Map<String, Integer> heartbeats = new ConcurrentHashMap<>();
    final ThreadLocal<String> inScope = new ThreadLocal<>();

    @Override
    public Observation handlerStarting(ReceivedMessage message) {
      return observation(message.body());
    }

    @Override
    public Observation batchStarting(List<ReceivedMessage> messages) {
      batches.add(messages.size());
      return observation("batch");
    }

    private Observation observation(String name) {
      return new Observation() {
        @Override
        public Scope open() {
          inScope.set(name);
          return inScope::remove;
        }

        @Override
        public void visibilityExtended(ReceivedMessage message, int seconds) {
          heartbeats.merge(message.body(), 1, Integer::sum);
        }

        @Override
        public void settled(
            ReceivedMessage message, Outcome outcome, Throwable error, String detail) {
          settled.add(new Settled(message.body(), outcome, error, detail, message.attempt()));
        }
      };
    }
  }

  @Test
  void theHookNeedsNoOpenTelemetry_noneIsOnThisModulesClassPath() {
    assertThatThrownBy(() -> Class.forName("io.opentelemetry.api.OpenTelemetry"))
        .as("this module runs without OpenTelemetry: the hook needs none")
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void deleted_retried_deadLettered_andHeartbeats_eachMessageSettledOnce(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(2, Duration.ofSeconds(2));
    for (String body : List.of("ok", "flaky", "poison", "slow")) {
      sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody(body));
    }
    Recorder recorder = new Recorder();
    Map<String, String> scopeInHandler = new ConcurrentHashMap<>();
    try (SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queue.queueUrl())
            .concurrency(4)
            .waitTime(Duration.ofSeconds(1))
            .retryPolicy(RetryPolicy.immediate())
            .observer(recorder)
            .handler(
                message -> {
                  scopeInHandler.put(message.body(), String.valueOf(recorder.inScope.get()));
                  switch (message.body()) {
                    case "flaky" -> {
                      if (message.attempt() == 1) {
                        throw new IllegalStateException("first time fails");
                      }
                    }
                    case "poison" -> throw new NonRetryableException("never works");
                    case "slow" -> Thread.sleep(3_000); // past the 2 s visibility: heartbeats
                    default -> {}
                  }
                })
            .build()) {
      consumer.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> consumer.stats().deleted() == 3 && consumer.stats().deadLettered() == 1);
    }

    assertThat(scopeInHandler)
        .as("the observation is open on the handler's thread while it runs")
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("ok", "ok", "flaky", "flaky", "poison", "poison", "slow", "slow"));
    Map<String, List<Settled>> byBody =
        recorder.settled.stream().collect(Collectors.groupingBy(Settled::body));
    assertThat(byBody.get("ok"))
        .singleElement()
        .satisfies(s -> assertThat(s.outcome()).isEqualTo(Outcome.DELETED));
    assertThat(byBody.get("ok").get(0).error()).isNull();
    assertThat(byBody.get("flaky"))
        .extracting(Settled::attempt, Settled::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, Outcome.RETRIED),
            org.assertj.core.groups.Tuple.tuple(2, Outcome.DELETED));
    assertThat(byBody.get("flaky").get(0).error()).hasMessage("first time fails");
    assertThat(byBody.get("poison"))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.outcome()).isEqualTo(Outcome.DEAD_LETTERED);
              assertThat(s.detail()).isEqualTo(queue.dlqUrl());
              assertThat(s.error()).isInstanceOf(NonRetryableException.class);
            });
    assertThat(byBody.get("slow"))
        .singleElement()
        .satisfies(s -> assertThat(s.outcome()).isEqualTo(Outcome.DELETED));
    assertThat(recorder.heartbeats.get("slow")).isPositive();
  }

  @Test
  void aBatchRun_isOneObservation_settledOncePerMessage(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    for (int i = 0; i < 7; i++) {
      String body = "b" + i;
      sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }
    Recorder recorder = new Recorder();
    List<String> scopes = new CopyOnWriteArrayList<>();
    try (SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .waitTime(Duration.ofSeconds(1))
            .observer(recorder)
            .batchHandler(
                messages -> {
                  scopes.add(String.valueOf(recorder.inScope.get()));
                  return BatchOutcome.allSucceeded();
                })
            .build()) {
      consumer.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deleted() == 7);
    }

    assertThat(recorder.batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(7);
    assertThat(scopes).hasSameSizeAs(recorder.batches).containsOnly("batch");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(recorder.settled).hasSize(7));
    assertThat(recorder.settled).extracting(Settled::outcome).containsOnly(Outcome.DELETED);
    assertThat(recorder.settled).extracting(Settled::body).doesNotHaveDuplicates();
  }

  @Test
  void anObserverThatThrows_changesNothing(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    for (int i = 0; i < 5; i++) {
      String body = "t" + i;
      sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }
    Observation broken =
        new Observation() {
          @Override
          public MessageObserver.Scope open() {
            throw new IllegalStateException("observer bug: open");
          }

          @Override
          public void settled(
              ReceivedMessage message, Outcome outcome, Throwable error, String detail) {
            throw new IllegalStateException("observer bug: settled");
          }
        };
    List<String> handled = new CopyOnWriteArrayList<>();
    try (SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .waitTime(Duration.ofSeconds(1))
            .observer(
                new MessageObserver() {
                  @Override
                  public Observation handlerStarting(ReceivedMessage message) {
                    if (message.body().equals("t0")) {
                      throw new IllegalStateException("observer bug: start");
                    }
                    return broken;
                  }

                  @Override
                  public Observation batchStarting(List<ReceivedMessage> messages) {
                    return broken;
                  }
                })
            .handler(message -> handled.add(message.body()))
            .build()) {
      consumer.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deleted() == 5);
      assertThat(consumer.stats().failed()).isZero();
    }
    assertThat(handled).containsExactlyInAnyOrder("t0", "t1", "t2", "t3", "t4");
    assertThat(aws.messagesIn(queueUrl)).isZero();
  }
}
