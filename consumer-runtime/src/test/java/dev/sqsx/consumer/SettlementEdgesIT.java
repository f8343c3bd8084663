/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static dev.sqsx.consumer.ConsumerTestSupport.sendNumbered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.MessageObserver.Observation;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * What happens to a message at the edges of its run — held by the gate, refused by the executor,
 * past its lease or its processing time — and how close() leaves it.
 */
@LocalAws
class SettlementEdgesIT {

  @Test
  void close_whileTheRateLimiterHoldsAMessage_releasesIt_soItIsVisibleAgainAtOnce(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    GateHeldAtClose run = closeWhileTheRateLimiterHoldsAMessage(sqs, sqsAsync, aws);

    List<Message> back =
        sqs.receiveMessage(
                r -> r.queueUrl(run.queueUrl()).maxNumberOfMessages(10).waitTimeSeconds(5))
            .messages();
    assertThat(back)
        .as(
            "the message the limiter held when close() began is visible again at once, not after"
                + " its 60 s visibility timeout")
        .extracting(Message::body)
        .containsExactly(run.held());
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(run.consumer().stats().inFlight())
                    .as("in flight after close(): the held message counts as finished")
                    .isZero());
  }

  @Test
  void close_whileTheRateLimiterHoldsAMessage_returnsOnlyOnceThatMessageIsReleased(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    GateHeldAtClose run = closeWhileTheRateLimiterHoldsAMessage(sqs, sqsAsync, aws);

    // as for the messages waiting in line at close(), whose release close() awaits
    ConsumerStats stats = run.consumer().stats();
    assertThat(stats.inFlight())
        .as("in flight when close() returned: the held message is released by then")
        .isZero();
    assertThat(stats.released()).as("released when close() returned").isEqualTo(1);
  }

  private record GateHeldAtClose(SqsConsumer consumer, String queueUrl, String held) {}

  /**
   * Two messages, two slots, one rate limiter permit: one message runs, the other's start waits in
   * the limiter (2 s, then refused) when close() begins; close() returns once that wait ended.
   */
  private static GateHeldAtClose closeWhileTheRateLimiterHoldsAMessage(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    // 60 s: a message the consumer strands stays invisible far longer than these tests look
    String queueUrl =
        aws.createQueue("gate-held", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60"));
    sendNumbered(sqs, queueUrl, 2);
    // one start per 10 minutes: the second start waits in the limiter and gets no permit
    RateLimiter limiter =
        RateLimiter.of(
            "one-start",
            RateLimiterConfig.custom()
                .limitForPeriod(1)
                .limitRefreshPeriod(Duration.ofMinutes(10))
                .timeoutDuration(Duration.ofSeconds(2))
                .build());
    List<String> handled = new CopyOnWriteArrayList<>();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(2)
            .waitTime(Duration.ofSeconds(1))
            .rateLimiter(limiter)
            .handler(m -> handled.add(m.body()))
            .build();
    consumer.start();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> handled.size() == 1 && limiter.getMetrics().getNumberOfWaitingThreads() == 1);
    consumer.close();

    assertThat(handled).as("messages handled").hasSize(1);
    return new GateHeldAtClose(consumer, queueUrl, handled.get(0).equals("0") ? "1" : "0");
  }

  @Test
  void aMessageWhoseLeaseEndedWhileTheRateLimiterHeldIt_isNotStarted_itsRedeliveryRuns(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue("gate-late", Map.of());
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("late"));
    AtomicReference<SqsConsumer> self = new AtomicReference<>();
    // The first start waits in the limiter until its lease has ended, for the consumer and for
    // SQS: the heartbeat extends a lease (1 s visibility) only within the 1 s maximum processing
    // time, so it ends within 2 s of the receive; and SQS has handed the message out again. Later
    // starts are admitted at once. (A real limiter's wait ends at its next refresh, anywhere in
    // its period after the receive: this one ends after the lease.)
    RateLimiter limiter = admittingTheFirstStartAfterItsLeaseEnded(self);
    List<Integer> attempts = new CopyOnWriteArrayList<>();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(1)
            .waitTime(Duration.ofSeconds(1))
            .visibilityTimeout(Duration.ofSeconds(1))
            .maxProcessingTime(Duration.ofSeconds(1))
            .acknowledgementInterval(Duration.ZERO)
            .rateLimiter(limiter)
            .handler(m -> attempts.add(m.attempt()))
            .build();
    self.set(consumer);
    consumer.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deleted() == 1);
    consumer.close();

    assertThat(attempts)
        .as(
            "attempts the handler saw: the first copy, whose lease ended while the limiter held"
                + " it, did not start (it would run twice); a redelivery did")
        .isNotEmpty()
        .doesNotContain(1);
    assertThat(consumer.stats().leasesLost())
        .as("the copy not started, counted as a lease lost")
        .isPositive();
  }

  @Test
  void aMessageNotStartedAfterTheGateAdmittedIt_givesBackItsHalfOpenCircuitBreakerPermission(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue("breaker-late", Map.of());
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("late"));
    AtomicReference<SqsConsumer> self = new AtomicReference<>();
    // as above: the first start is admitted by the limiter only after its lease ended
    RateLimiter limiter = admittingTheFirstStartAfterItsLeaseEnded(self);
    // half-open with one trial call: its outcome closes (or opens) the breaker again
    CircuitBreaker breaker =
        CircuitBreaker.of(
            "one-trial",
            CircuitBreakerConfig.custom().permittedNumberOfCallsInHalfOpenState(1).build());
    breaker.transitionToOpenState();
    breaker.transitionToHalfOpenState();
    List<Integer> attempts = new CopyOnWriteArrayList<>();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(1)
            .waitTime(Duration.ofSeconds(1))
            .visibilityTimeout(Duration.ofSeconds(1))
            .maxProcessingTime(Duration.ofSeconds(1))
            .acknowledgementInterval(Duration.ZERO)
            .rateLimiter(limiter)
            .circuitBreaker(breaker)
            .handler(m -> attempts.add(m.attempt()))
            .build();
    self.set(consumer);
    consumer.start();
    try {
      // 30 s, as above: on a loaded machine every copy may again reach the handler slot only after
      // its 1 s lease ended (each is then not started, and comes back a second later)
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(consumer.stats().deleted())
                      .as(
                          "messages handled and deleted (breaker %s, attempts run %s): the trial"
                              + " permission taken for the copy that did not start must not be"
                              + " lost",
                          breaker.getState(), attempts)
                      .isEqualTo(1));
    } finally {
      consumer.close();
    }
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void fifo_aSuccessWhoseLeaseWasLost_holdsItsGroup_soTheNextMessageRunsAfterItsRedelivery(
      SqsClient sqs, AwsEndpoints endpoints, AwsResources aws) {
    String queueUrl = aws.createFifoQueue(false);
    List<SendMessageBatchRequestEntry> entries = List.of(fifoEntry("g", "1"), fifoEntry("g", "2"));
    assertThat(sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)).failed()).isEmpty();
    // Receipt handles whose next visibility extension SQS must refuse: the entry is rewritten to
    // a handle SQS does not know, it answers ReceiptHandleIsInvalid, the lease is lost.
    Set<String> toLose = ConcurrentHashMap.newKeySet();
    ExecutionInterceptor losingLeases =
        new ExecutionInterceptor() {
          @Override
          public SdkRequest modifyRequest(
              Context.ModifyRequest context, ExecutionAttributes attributes) {
            if (!(context.request() instanceof ChangeMessageVisibilityBatchRequest batch)) {
              return context.request();
            }
            return batch.toBuilder()
                .entries(
                    batch.entries().stream()
                        .map(
                            entry ->
                                toLose.remove(entry.receiptHandle())
                                    ? entry.toBuilder().receiptHandle("lost-lease").build()
                                    : entry)
                        .toList())
                .build();
          }
        };
    AtomicReference<SqsConsumer> self = new AtomicReference<>();
    AtomicLong receivedWhileFirstRan = new AtomicLong();
    List<String> runs = new CopyOnWriteArrayList<>();

    try (SqsAsyncClient client =
        endpoints
            .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
            .overrideConfiguration(c -> c.addExecutionInterceptor(losingLeases))
            .build()) {
      // 4 s visibility: the heartbeat extends (and so loses) 1's lease 2–3 s after the receive,
      // before SQS would end it at 4 s
      SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(client)
              .queueUrl(queueUrl)
              .concurrency(2)
              .prefetch(8) // one poll loop: 1 and 2 come in one receive
              .waitTime(Duration.ofSeconds(1))
              .visibilityTimeout(Duration.ofSeconds(4))
              .handler(
                  m -> {
                    runs.add(m.body());
                    if (m.body().equals("1") && m.attempt() == 1) {
                      toLose.add(m.sdkMessage().receiptHandle());
                      await()
                          .atMost(Duration.ofSeconds(20))
                          .until(() -> self.get().stats().leasesLost() == 1);
                      receivedWhileFirstRan.set(self.get().stats().received());
                    }
                  })
              .build();
      self.set(consumer);
      consumer.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deleted() == 2);
      consumer.close();
    }

    assertThat(receivedWhileFirstRan.get())
        .as("2 was received with 1, and waited for it in the consumer")
        .isEqualTo(2);
    assertThat(runs)
        .as(
            "handler runs in order: 1 succeeded with its lease lost, so it is not deleted and"
                + " holds its group — 2 runs only after 1's redelivery")
        .containsExactly("1", "1", "2");
  }

  @Test
  void anExecutorRejection_deadLettersNothing_evenMessagesOnTheirLastAttempt(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    // maxReceiveCount 1: every message is on its last attempt when first received
    QueueWithDlq queue = aws.createQueueWithDlq(1, Duration.ofSeconds(2));
    int count = 5;
    sendNumbered(sqs, queue.queueUrl(), count);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    AtomicInteger executions = new AtomicInteger();
    Executor refusingOnce = refusingTheFirstTask(pool, executions);
    Set<String> handled = ConcurrentHashMap.newKeySet();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queue.queueUrl())
            .concurrency(2)
            .prefetch(8) // one poll loop: the messages come in one receive, refused together
            .waitTime(Duration.ofSeconds(1))
            .executor(refusingOnce)
            .handler(m -> handled.add(m.body()))
            .build();
    try {
      consumer.start();
      // every message ends up handled, or in the DLQ
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> handled.size() + aws.messagesIn(queue.dlqUrl()) == count);
    } finally {
      consumer.close();
      pool.shutdownNow();
    }

    assertThat(aws.messagesIn(queue.dlqUrl()))
        .as(
            "messages in the DLQ after one executor rejection (sent by sqsx, or moved by the"
                + " redrive policy): a refusal is no failure and must not cost the last attempt")
        .isZero();
    assertThat(handled).as("messages handled").hasSize(count);
    assertThat(executions.get()).as("tasks given to the executor").isGreaterThan(1);
  }

  @Test
  void anExecutorRejection_isNoHandlerFailure_theRefusedMessagesStayHeldAndRunLater(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(2));
    int count = 5;
    sendNumbered(sqs, queue.queueUrl(), count);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    AtomicInteger executions = new AtomicInteger();
    Set<String> handled = ConcurrentHashMap.newKeySet();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queue.queueUrl())
            .concurrency(2)
            .prefetch(8)
            .waitTime(Duration.ofSeconds(1))
            // a failed message would wait a minute
            .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(60)))
            .executor(refusingTheFirstTask(pool, executions))
            .handler(m -> handled.add(m.body()))
            .build();
    try {
      consumer.start();
      // every message ran, or failed (a failed one would wait a minute for its retry)
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> handled.size() + consumer.stats().failed() >= count);
      assertThat(consumer.stats().failed())
          .as("handler failures counted for messages the executor refused")
          .isZero();
      assertThat(handled)
          .as("every refused message stayed held and ran once the executor took it")
          .hasSize(count);
    } finally {
      consumer.close();
      pool.shutdownNow();
    }
    assertThat(executions.get()).isGreaterThan(1);
  }

  @Test
  void asyncHandler_timeLimitCountsFromTheReceive_soAMessageThatWaitedForASlotHasLessOfIt(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    // 10 s visibility: no heartbeat extension within the 5 s maximum processing time
    String queueUrl =
        aws.createQueue("async-clock", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "10"));
    sendNumbered(sqs, queueUrl, 2);
    AtomicInteger starts = new AtomicInteger();
    AtomicReference<String> second = new AtomicReference<>();
    Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
    Map<String, Throwable> firstFailure = new ConcurrentHashMap<>();
    MessageObserver failures =
        new MessageObserver() {
          @Override
          public Observation handlerStarting(ReceivedMessage message) {
            return new Observation() {
              @Override
              public void settled(
                  ReceivedMessage settled,
                  MessageObserver.Outcome outcome,
                  Throwable error,
                  String detail) {
                if (error != null && settled.attempt() == 1) {
                  firstFailure.put(settled.body(), error);
                }
              }
            };
          }

          @Override
          public Observation batchStarting(List<ReceivedMessage> messages) {
            return Observation.NONE;
          }
        };

    // One slot, maximum processing time 5 s. The first message's stage takes 2.5 s; the second,
    // received with it, starts ~2.5 s after its receive and its stage takes 3.75 s: 6.25 s after
    // the receive (past the 5 s), 3.75 s after its start (within 5 s).
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(1)
            .prefetch(9) // one poll loop: both messages come in one receive
            .waitTime(Duration.ofSeconds(1))
            .maxProcessingTime(Duration.ofSeconds(5))
            .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(1)))
            .observer(failures)
            .asyncHandler(
                m -> {
                  attempts
                      .computeIfAbsent(m.body(), b -> new CopyOnWriteArrayList<>())
                      .add(m.attempt());
                  long millis;
                  switch (starts.incrementAndGet()) {
                    case 1 -> millis = 2500;
                    case 2 -> {
                      second.set(m.body());
                      millis = 3750;
                    }
                    default -> millis = 0;
                  }
                  return CompletableFuture.runAsync(
                      () -> {}, CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
                })
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(40)).until(() -> consumer.stats().deleted() == 2);
    consumer.close();

    assertThat(attempts.get(second.get()))
        .as(
            "attempts of the second message: the first timed out 5 s after its receive (it waited"
                + " 2.5 s for the slot), then it was handled again")
        .containsExactly(1, 2);
    assertThat(firstFailure.get(second.get()))
        .as("the second message's first attempt failed with")
        .isInstanceOf(TimeoutException.class);
  }

  @Test
  void asyncHandler_aMessageThatStartsWithNoProcessingTimeLeft_isNotRunOnlyToBeFailed(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    // 4 s visibility, 1 s maximum processing time: the heartbeat, due 2 s after the receive, stops
    // without extending, and each lease ends 4 s after its receive
    String queueUrl =
        aws.createQueue("async-late", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "4"));
    sendNumbered(sqs, queueUrl, 2);
    AtomicInteger starts = new AtomicInteger();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    // One slot. The first message's handler works 2 s on its thread (its stage is complete when
    // it returns). The second, received with it, starts ~2 s after its receive: past the 1 s
    // maximum processing time, its lease still held for ~2 s; its stage takes 100 ms.
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(1)
            .prefetch(9) // one poll loop: both messages come in one receive
            .waitTime(Duration.ofSeconds(1))
            .maxProcessingTime(Duration.ofSeconds(1))
            .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(1)))
            .asyncHandler(
                m -> {
                  runs.computeIfAbsent(m.body(), b -> new AtomicInteger()).incrementAndGet();
                  if (starts.incrementAndGet() == 1) {
                    work(Duration.ofSeconds(2));
                    return CompletableFuture.completedFuture(null);
                  }
                  return CompletableFuture.runAsync(
                      () -> {}, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
                })
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deleted() == 2);
    consumer.close();

    assertThat(consumer.stats().failed())
        .as(
            "runs failed: the second message's 100 ms stage must not be failed as timed out (it"
                + " ran, so its outcome would be thrown away and it would run again)")
        .isZero();
    assertThat(runs).allSatisfy((body, count) -> assertThat(count).hasValue(1));
  }

  /**
   * A rate limiter whose first permission waits (at most 20 s) until the lease of the message it
   * was asked for has ended — 2.1 s after the call (a lease of a consumer with a 1 s visibility
   * timeout and a 1 s maximum processing time ends within 2 s of its receive) and once SQS has
   * handed that message (the only one) out again — and whose later permissions are granted at once.
   * The consumer uses only {@code acquirePermission()}.
   */
  private static RateLimiter admittingTheFirstStartAfterItsLeaseEnded(
      AtomicReference<SqsConsumer> consumer) {
    AtomicBoolean first = new AtomicBoolean(true);
    return (RateLimiter)
        Proxy.newProxyInstance(
            RateLimiter.class.getClassLoader(),
            new Class<?>[] {RateLimiter.class},
            (proxy, method, args) -> {
              if (method.getName().equals("acquirePermission")
                  && (args == null || args.length == 0)) {
                if (first.compareAndSet(true, false)) {
                  long calledAt = System.nanoTime();
                  await()
                      .pollInterval(Duration.ofMillis(20))
                      .atMost(Duration.ofSeconds(20))
                      .until(
                          () ->
                              System.nanoTime() - calledAt >= Duration.ofMillis(2100).toNanos()
                                  && consumer.get().stats().received() >= 2);
                }
                return true;
              }
              switch (method.getName()) {
                case "getName", "toString":
                  return "admitting-late";
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

  /** Simulates a handler's work on its thread. */
  private static void work(Duration time) {
    try {
      Thread.sleep(time.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An executor that refuses its first task and runs the others on {@code pool}. */
  private static Executor refusingTheFirstTask(ExecutorService pool, AtomicInteger executions) {
    return task -> {
      if (executions.getAndIncrement() == 0) {
        throw new RejectedExecutionException("saturated (the first task only)");
      }
      pool.execute(task);
    };
  }

  private static SendMessageBatchRequestEntry fifoEntry(String group, String body) {
    return SendMessageBatchRequestEntry.builder()
        .id("m" + body)
        .messageGroupId(group)
        .messageDeduplicationId(group + "-" + body)
        .messageBody(body)
        .build();
  }
}
