/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static dev.sqsx.consumer.ConsumerTestSupport.sendNumbered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Review: the executor-rejection path of the dispatcher (pause, slot accounting, shutdown). */
@LocalAws
class ExecutorRejectionReviewIT {

  /**
   * A saturated executor (here: one thread for four slots, no queue) refuses the extra thread the
   * running one asks for; the 1 s pause that follows must hold back new executor tasks, not stop
   * the thread that already runs and could go on with the waiting messages.
   */
  @Test
  void aRejection_doesNotStopTheThreadAlreadyRunning_fromTakingTheWaitingMessages(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl =
        aws.createQueue("reject-pause", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60"));
    int count = 10;
    sendNumbered(sqs, queueUrl, count);
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new SynchronousQueue<>());
    Set<String> handled = ConcurrentHashMap.newKeySet();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(4)
            .waitTime(Duration.ofSeconds(1))
            .executor(pool)
            .handler(
                m -> {
                  sleep(100); // not a quick handler: the running thread asks for another one
                  handled.add(m.body());
                })
            .build();
    try {
      consumer.start();
      // 10 x 100 ms on the one thread the executor has: about 1 s of work
      await()
          .atMost(Duration.ofSeconds(6))
          .untilAsserted(
              () ->
                  assertThat(handled)
                      .as(
                          "messages handled by the executor's one thread within 6 s (the refusal"
                              + " pause stops the running thread after each message)")
                      .hasSize(count));
    } finally {
      consumer.close();
      pool.shutdownNow();
    }
  }

  /**
   * The executor refuses the task of a drain that began before close(): the rejection path gives
   * the slot back, but nobody completes the dispatcher's idle future, so close() waits out the
   * whole shutdown timeout (and logs a handler "still running").
   */
  @Test
  void aRejectionRacingClose_doesNotMakeCloseWaitTheWholeShutdownTimeout(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) throws Exception {
    String queueUrl =
        aws.createQueue("reject-close", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60"));
    sendNumbered(sqs, queueUrl, 1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch closing = new CountDownLatch(1);
    AtomicInteger executions = new AtomicInteger();
    Executor refusingTheFirstOnceCloseBegan =
        task -> {
          if (executions.getAndIncrement() == 0) {
            entered.countDown();
            try {
              closing.await();
              Thread.sleep(300); // close() has called the dispatcher's shutdown by now
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new RejectedExecutionException("shut down meanwhile");
          }
          pool.execute(task);
        };

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(2)
            .waitTime(Duration.ofSeconds(1))
            .shutdownTimeout(Duration.ofSeconds(12))
            .executor(refusingTheFirstOnceCloseBegan)
            .handler(m -> {})
            .build();
    long elapsedMillis;
    try {
      consumer.start();
      assertThat(entered.await(20, TimeUnit.SECONDS)).as("the first executor call").isTrue();
      closing.countDown();
      long started = System.nanoTime();
      consumer.close();
      elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    } finally {
      consumer.close();
      pool.shutdownNow();
    }
    assertThat(elapsedMillis)
        .as(
            "close() took (ms): no handler ran, the only slot taken was given back by the"
                + " rejection, yet close() waited for the shutdown timeout of 12 s")
        .isLessThan(6_000);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
