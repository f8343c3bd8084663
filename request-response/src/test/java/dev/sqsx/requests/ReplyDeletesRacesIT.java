/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;

/**
 * Races between the batched reply deletes and {@code close()}: a receive that filled a batch and is
 * still delivering, a timed flush whose answer has not come, a {@code close()} called from inside a
 * reply's completion on the receiving thread.
 */
@LocalAws
class ReplyDeletesRacesIT {

  @Test
  void close_whileAReceiveThatFilledABatchStillDelivers_onAnApplicationsQueue_deletesThatBatchFirst(
      SqsAsyncClient sqsAsync, AwsResources aws) throws Exception {
    String requests = aws.createQueue();
    String replies = aws.createQueue();
    CountDownLatch answerLast = new CountDownLatch(1);
    CountDownLatch inStage = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (SqsConsumer responder = gatedResponder(sqsAsync, requests, answerLast)) {
      responder.start();
      SqsRequester requester =
          requester(sqsAsync, aws)
              .replyQueueUrl(replies)
              .deleteInterval(Duration.ofSeconds(10))
              .build();
      requester.start();
      try {
        List<CompletableFuture<Reply>> nine = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
          nine.add(requester.request(requests, "r" + i, Duration.ofSeconds(30)));
        }
        nine.forEach(CompletableFuture::join);
        assertThat(requester.pendingDeletes()).as("9 deletes wait for their batch").isEqualTo(9);
        // the 10th reply fills the batch; its dependent stage, on the receiving thread, holds the
        // receive in delivery while close() runs
        var stage =
            requester
                .request(requests, "last", Duration.ofSeconds(30))
                .thenRun(
                    () -> {
                      inStage.countDown();
                      awaitQuietly(release);
                    });
        answerLast.countDown();
        assertThat(inStage.await(30, TimeUnit.SECONDS)).isTrue();

        requester.close();

        assertThat(aws.messagesIn(replies))
            .as("replies read but not deleted when close() returned")
            .isZero();
        assertThat(requester.stats().failedReplyDeletes()).isZero();
        release.countDown();
        stage.get(30, TimeUnit.SECONDS);
      } finally {
        release.countDown();
        requester.close();
      }
    }
  }

  @Test
  void close_whileATimedFlushAwaitsItsAnswer_onAnApplicationsQueue_returnsOnlyAfterTheAnswer(
      SqsAsyncClient sqsAsync, AwsEndpoints endpoints, AwsResources aws) {
    String requests = aws.createQueue();
    String replies = aws.createQueue();
    CountDownLatch flushSent = new CountDownLatch(1);
    CountDownLatch closeReturned = new CountDownLatch(1);
    AtomicBoolean answered = new AtomicBoolean();
    ExecutionInterceptor slowAnswer =
        new ExecutionInterceptor() {
          @Override
          public SdkResponse modifyResponse(
              Context.ModifyResponse context, ExecutionAttributes attributes) {
            if (context.response() instanceof DeleteMessageBatchResponse) {
              flushSent.countDown();
              awaitQuietly(closeReturned, 10);
              answered.set(true);
            }
            return context.response();
          }
        };
    try (SqsAsyncClient slow = client(endpoints, slowAnswer);
        SqsConsumer responder = responder(sqsAsync, requests)) {
      responder.start();
      SqsRequester requester =
          requester(slow, aws)
              .replyQueueUrl(replies)
              .deleteInterval(Duration.ofMillis(100))
              .build();
      requester.start();
      try {
        assertThat(requester.request(requests, "a", Duration.ofSeconds(30)).join().body())
            .isEqualTo("re:a");
        await().atMost(Duration.ofSeconds(30)).until(() -> flushSent.getCount() == 0);

        requester.close();

        assertThat(answered)
            .as("the timed flush's DeleteMessageBatch was answered before close() returned")
            .isTrue();
      } finally {
        closeReturned.countDown();
        requester.close();
      }
    }
  }

  @Test
  void close_calledFromAReplysCompletion_onTheQueueItCreated_sendsNoDeleteToTheGoneQueue(
      SqsAsyncClient sqsAsync, AwsEndpoints endpoints, AwsResources aws) throws Exception {
    String requests = aws.createQueue();
    Tracking tracking = new Tracking();
    CountDownLatch answerLast = new CountDownLatch(1);
    AtomicReference<Thread> receiving = new AtomicReference<>();
    try (SqsAsyncClient tracked = client(endpoints, tracking);
        SqsConsumer responder = gatedResponder(sqsAsync, requests, answerLast)) {
      responder.start();
      SqsRequester requester =
          requester(tracked, aws).deleteInterval(Duration.ofSeconds(10)).build();
      requester.start();
      try {
        List<CompletableFuture<Reply>> nine = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
          nine.add(requester.request(requests, "r" + i, Duration.ofSeconds(30)));
        }
        nine.forEach(CompletableFuture::join);
        assertThat(requester.pendingDeletes()).as("9 deletes wait for their batch").isEqualTo(9);
        // the 10th reply fills the batch, and its stage closes the requester (re-entrant)
        var stage =
            requester
                .request(requests, "last", Duration.ofSeconds(30))
                .thenRun(
                    () -> {
                      receiving.set(Thread.currentThread());
                      requester.close();
                    });
        answerLast.countDown();
        stage.get(60, TimeUnit.SECONDS); // no deadlock: close() returns on the receiving thread

        // the receiving thread has left the receive (and sent whatever it sends), and every
        // DeleteMessageBatch sent got its answer
        await().atMost(Duration.ofSeconds(30)).until(() -> !inRoute(receiving.get()));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> tracking.started.sum() == tracking.ended.sum());
        assertThat(tracking.started.sum())
            .as("DeleteMessageBatch sent to the queue close() deleted")
            .isZero();
        assertThat(requester.stats().failedReplyDeletes()).isZero();
      } finally {
        answerLast.countDown();
        requester.close();
      }
    }
  }

  @Test
  void close_whileATimedFlushIsOnItsWay_onTheQueueItCreated_deletesTheQueueAfterIt(
      SqsAsyncClient sqsAsync, AwsEndpoints endpoints, AwsResources aws) {
    String requests = aws.createQueue();
    Tracking tracking = new Tracking();
    CountDownLatch flushOnItsWay = new CountDownLatch(1);
    CountDownLatch queueDeleted = new CountDownLatch(1);
    ExecutionInterceptor slowFlush =
        new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(
              Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (context.request() instanceof DeleteMessageBatchRequest) {
              flushOnItsWay.countDown();
              awaitQuietly(queueDeleted, 10); // held until the queue is gone, or 10 s
            }
          }

          @Override
          public void afterExecution(
              Context.AfterExecution context, ExecutionAttributes attributes) {
            if (context.request()
                instanceof software.amazon.awssdk.services.sqs.model.DeleteQueueRequest) {
              queueDeleted.countDown();
            }
          }
        };
    try (SqsAsyncClient slow =
            endpoints
                .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
                .overrideConfiguration(
                    c -> c.addExecutionInterceptor(tracking).addExecutionInterceptor(slowFlush))
                .build();
        SqsConsumer responder = responder(sqsAsync, requests)) {
      responder.start();
      SqsRequester requester = requester(slow, aws).deleteInterval(Duration.ofMillis(100)).build();
      requester.start();
      try {
        assertThat(requester.request(requests, "a", Duration.ofSeconds(30)).join().body())
            .isEqualTo("re:a");
        await().atMost(Duration.ofSeconds(30)).until(() -> flushOnItsWay.getCount() == 0);

        requester.close();

        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> tracking.started.sum() == tracking.ended.sum());
        assertThat(requester.stats().failedReplyDeletes())
            .as("deletes that reached the queue after close() deleted it")
            .isZero();
      } finally {
        queueDeleted.countDown();
        requester.close();
      }
    }
  }

  private static boolean inRoute(Thread thread) {
    for (StackTraceElement frame : thread.getStackTrace()) {
      if (frame.getClassName().equals(ReplyPoller.class.getName())) {
        return true;
      }
    }
    return false;
  }

  /** Counts DeleteMessageBatch calls started and ended. */
  private static final class Tracking implements ExecutionInterceptor {
    final LongAdder started = new LongAdder();
    final LongAdder ended = new LongAdder();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      if (context.request() instanceof DeleteMessageBatchRequest) {
        started.increment();
      }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      if (context.request() instanceof DeleteMessageBatchRequest) {
        ended.increment();
      }
    }

    @Override
    public void onExecutionFailure(
        Context.FailedExecution context, ExecutionAttributes attributes) {
      if (context.request() instanceof DeleteMessageBatchRequest) {
        ended.increment();
      }
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    awaitQuietly(latch, 60);
  }

  private static void awaitQuietly(CountDownLatch latch, int seconds) {
    try {
      latch.await(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static SqsAsyncClient client(AwsEndpoints endpoints, ExecutionInterceptor interceptor) {
    return endpoints
        .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
        .overrideConfiguration(c -> c.addExecutionInterceptor(interceptor))
        .build();
  }

  private static SqsConsumer responder(SqsAsyncClient sqs, String requests) {
    return gatedResponder(sqs, requests, new CountDownLatch(0));
  }

  /** Answers "re:" + body; the request "last" only once {@code answerLast} is open. */
  private static SqsConsumer gatedResponder(
      SqsAsyncClient sqs, String requests, CountDownLatch answerLast) {
    return SqsConsumer.builder()
        .sqsClient(sqs)
        .queueUrl(requests)
        .concurrency(4)
        .waitTime(Duration.ofSeconds(1))
        .asyncHandler(
            SqsResponder.builder()
                .sqsClient(sqs)
                .handler(
                    request -> {
                      if (request.body().equals("last")) {
                        awaitQuietly(answerLast);
                      }
                      return ReplyMessage.of("re:" + request.body());
                    })
                .build())
        .build();
  }

  private static SqsRequester.Builder requester(SqsAsyncClient sqs, AwsResources aws) {
    return SqsRequester.builder()
        .sqsClient(sqs)
        .replyQueuePrefix(aws.uniqueName("rq") + "-")
        .waitTime(Duration.ofSeconds(2));
  }
}
