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
import dev.sqsx.testing.faults.Fault;
import dev.sqsx.testing.faults.FaultInjector;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

@LocalAws
class LifecycleIT {

  @Test
  void closeDuringStart_waitsForTheStart_thenStops_andNothingPollsAfterwards(
      AwsEndpoints endpoints, AwsResources aws) throws Exception {
    String queueUrl = aws.createQueue();
    CountDownLatch startReading = new CountDownLatch(1);
    CountDownLatch letStartGoOn = new CountDownLatch(1);
    AtomicInteger receives = new AtomicInteger();
    ExecutionInterceptor slowStart =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes a) {
            if (context.request() instanceof GetQueueAttributesRequest) {
              startReading.countDown();
              try {
                letStartGoOn.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            if (context.request() instanceof ReceiveMessageRequest) {
              receives.incrementAndGet();
            }
          }
        };
    try (SqsAsyncClient sqs =
        endpoints
            .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
            .overrideConfiguration(o -> o.addExecutionInterceptor(slowStart))
            .build()) {
      SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(sqs)
              .queueUrl(queueUrl)
              .waitTime(Duration.ofSeconds(1))
              .handler(m -> {})
              .build();
      AtomicReference<Throwable> closeFailed = new AtomicReference<>();
      Thread starting = new Thread(consumer::start, "starting");
      Thread closing =
          new Thread(
              () -> {
                try {
                  consumer.close();
                } catch (RuntimeException e) {
                  closeFailed.set(e);
                }
              },
              "closing");

      starting.start();
      assertThat(startReading.await(10, TimeUnit.SECONDS)).isTrue();
      closing.start();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  closing.getState() == Thread.State.BLOCKED
                      || closing.getState() == Thread.State.WAITING
                      || !closing.isAlive());
      letStartGoOn.countDown();
      starting.join(10_000);
      closing.join(30_000);

      assertThat(closeFailed.get()).as("close() during start()").isNull();
      assertThat(consumer.isRunning()).isFalse();
      int afterClose = receives.get();
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(3))
          .until(() -> receives.get() == afterClose);
    }
  }

  @Test
  void closeWhileDeletesHang_returnsWithinItsDocumentedBudget(
      SqsClient sqs, AwsEndpoints endpoints, AwsResources aws) {
    String queueUrl = aws.createQueue();
    ConsumerTestSupport.sendNumbered(sqs, queueUrl, 5);
    CountDownLatch unblock = new CountDownLatch(1);
    ExecutionInterceptor deletesHang =
        new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(
              Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (context.request() instanceof DeleteMessageBatchRequest) {
              try {
                unblock.await(25, TimeUnit.SECONDS); // the network is stuck for deletes
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    AtomicInteger handled = new AtomicInteger();
    try (SqsAsyncClient stuck =
        endpoints
            .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
            .overrideConfiguration(o -> o.addExecutionInterceptor(deletesHang))
            .build()) {
      SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(stuck)
              .queueUrl(queueUrl)
              .waitTime(Duration.ofSeconds(1))
              .shutdownTimeout(Duration.ofSeconds(1))
              .handler(m -> handled.incrementAndGet())
              .build();
      consumer.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> handled.get() == 5);

      long started = System.nanoTime();
      consumer.close();
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      // documented: the longer of shutdownTimeout (1 s) and waitTime + 5 s, plus 5 s
      assertThat(took).isLessThan(Duration.ofSeconds(11 + 2));
    } finally {
      unblock.countDown();
    }
  }

  @Test
  void closeWhileReceivesFailAndTheLoopsBackOff_wakesThemAndReturnsAtOnce(
      AwsEndpoints endpoints, AwsResources aws) {
    String queueUrl = aws.createQueue();
    FaultInjector receivesDown =
        FaultInjector.builder()
            .failureRate(1.0)
            .faults(Fault.SERVICE_UNAVAILABLE)
            .only("sqs:ReceiveMessage")
            .build();
    try (SqsAsyncClient faulty = endpoints.withFaults(receivesDown).newSqsAsyncClient()) {
      SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(faulty)
              .queueUrl(queueUrl)
              .waitTime(Duration.ofSeconds(1))
              .shutdownTimeout(Duration.ofSeconds(1))
              .handler(m -> {})
              .build();
      consumer.start();
      // let the loop fail a few times: its backoff grows to 10 s
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> receivesDown.stats().totalInjected() >= 28);

      long started = System.nanoTime();
      consumer.close();
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(took)
          .as("a loop sleeping in its backoff is woken by close()")
          .isLessThan(Duration.ofSeconds(3));
    }
  }
}
