/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.sqsx.consumer.BatchOutcome;
import dev.sqsx.consumer.NonRetryableException;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.lambda.LambdaEventSourceMapping;
import dev.sqsx.testing.lambda.LambdaEventSourceMapping.Invocation;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The settlement edges of {@link LambdaConsumer}: payloads deleted only for records the final
 * response reports handled and only after SQS confirmed their messages' delete; the margin kept for
 * asynchronous handlers; a throwing user predicate failing one record, not the batch.
 */
@LocalAws
class LambdaSettlementIT {

  @Test
  void fifoBatch_aSuccessBehindAFailureOfItsGroup_isReportedFailed_andKeepsItsPayload(
      SqsClient sqs, S3Client s3, AwsResources aws) {
    String queueUrl = aws.createFifoQueueWithDlq(5, Duration.ofSeconds(1)).queueUrl();
    String bucket = aws.createBucket();
    S3PayloadStore store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
    SqsExtendedClient extended =
        SqsExtendedClient.builder().sqsClient(sqs).payloadStore(store).alwaysOffload(true).build();
    for (String body : new String[] {"r1", "r2"}) {
      extended.sendMessage(
          r ->
              r.queueUrl(queueUrl)
                  .messageGroupId("g")
                  .messageDeduplicationId(body)
                  .messageBody(body));
    }
    Map<String, String> idOf = new ConcurrentHashMap<>();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .payloadStore(store)
            .deletePayloads(true)
            .sqsClient(sqs)
            .batchHandler(
                messages -> {
                  messages.forEach(m -> idOf.put(m.body(), m.messageId()));
                  return BatchOutcome.builder()
                      .failed(idOf.get("r1"), new IllegalStateException("r1 failed"))
                      .build();
                })
            .build();

    Invocation invocation = mapping(sqs, queueUrl, consumer, Duration.ofSeconds(10)).poll();

    assertThat(invocation.records()).hasSize(2);
    assertThat(invocation.failed())
        .as("r2 succeeded but is behind r1 in group g")
        .containsExactlyInAnyOrder(idOf.get("r1"), idOf.get("r2"));
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
        .as("both records come back: both payloads must still be there")
        .hasSize(2);
  }

  @Test
  void deletePayloads_anInvocationThatTimesOutAfterTheRecordWasDone_leavesNoDanglingPointer(
      SqsClient sqs, S3Client s3, AwsResources aws) {
    String queueUrl = aws.createQueue();
    String bucket = aws.createBucket();
    S3PayloadStore store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
    SqsExtendedClient.builder()
        .sqsClient(sqs)
        .payloadStore(store)
        .alwaysOffload(true)
        .build()
        .sendMessage(r -> r.queueUrl(queueUrl).messageBody("done, then the function hangs"));
    AtomicInteger handled = new AtomicInteger();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .payloadStore(store)
            .deletePayloads(true)
            .sqsClient(sqs)
            .handler(message -> handled.incrementAndGet())
            .build();
    LambdaEventSourceMapping mapping =
        LambdaEventSourceMapping.builder()
            .sqsClient(sqs)
            .queueUrl(queueUrl)
            .functionTimeout(Duration.ofSeconds(2))
            .handler(
                (event, context) -> {
                  SQSBatchResponse response = consumer.handle(event, context);
                  // the function's own work after the consumer (a metrics flush, say) runs past
                  // the timeout: Lambda delivers no response and retries the whole batch
                  try {
                    Thread.sleep(2_200); // the function's work, not a wait for a condition
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return response;
                })
            .build();

    Invocation invocation = mapping.poll();

    assertThat(invocation.timedOut()).isTrue();
    assertThat(handled.get()).isEqualTo(1);
    assertThat(
            aws.messagesIn(queueUrl) == 0
                || !s3.listObjectsV2(r -> r.bucket(bucket)).contents().isEmpty())
        .as(
            "a record that comes back (%d in the queue) must find its payload (%d stored)",
            aws.messagesIn(queueUrl), s3.listObjectsV2(r -> r.bucket(bucket)).contents().size())
        .isTrue();
    assertThat(aws.messagesIn(queueUrl)).as("deleted by the function before its payload").isZero();
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
  }

  @Test
  void anAsyncHandlerThatNeverCompletes_isWaitedForOnlyUntilTheMargin(
      SqsClient sqs, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("stuck"));
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .timeoutMargin(Duration.ofMillis(1_500))
            .asyncHandler(message -> new CompletableFuture<Void>())
            .build();
    AtomicLong leftAtReturn = new AtomicLong(-1);
    LambdaEventSourceMapping mapping =
        LambdaEventSourceMapping.builder()
            .sqsClient(sqs)
            .queueUrl(queueUrl)
            .functionTimeout(Duration.ofSeconds(3))
            .handler(
                (event, context) -> {
                  SQSBatchResponse response = consumer.handle(event, context);
                  leftAtReturn.set(context.getRemainingTimeInMillis());
                  return response;
                })
            .build();

    Invocation invocation = mapping.poll();

    assertThat(invocation.failed()).hasSize(1);
    assertThat(leftAtReturn.get())
        .as("milliseconds left when handle() returned (margin 1,500 ms)")
        .isGreaterThan(750);
  }

  @Test
  void aNonRetryablePredicateThatThrows_failsItsRecordOnly(SqsClient sqs, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("bad"));
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("good"));
    AtomicInteger handled = new AtomicInteger();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .nonRetryable(
                error -> {
                  throw new IllegalArgumentException("predicate bug");
                })
            .handler(
                message -> {
                  handled.incrementAndGet();
                  if (message.body().equals("bad")) {
                    throw new IllegalStateException("cannot handle");
                  }
                })
            .build();

    Invocation invocation =
        mapping(sqs, queueUrl, consumer, Duration.ofSeconds(10))
            .runUntil(() -> handled.get() >= 2, Duration.ofSeconds(20))
            .get(0);

    assertThat(invocation.thrown()).as("the function must answer").isNull();
    assertThat(invocation.failed()).hasSize(1);
    assertThat(invocation.deleted()).hasSize(1);
  }

  @Test
  void fifoBatch_aDeadLetteredRecord_stillHoldsItsGroup_theRecordsBehindItComeBack(
      SqsClient sqs, AwsResources aws) {
    QueueWithDlq queue = aws.createFifoQueueWithDlq(5, Duration.ofSeconds(1));
    for (String body : new String[] {"poison", "next"}) {
      sqs.sendMessage(
          r ->
              r.queueUrl(queue.queueUrl())
                  .messageGroupId("g")
                  .messageDeduplicationId(body)
                  .messageBody(body));
    }
    Map<String, String> idOf = new ConcurrentHashMap<>();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .sqsClient(sqs)
            .deadLetterQueueUrl(queue.dlqUrl())
            .batchHandler(
                messages -> {
                  messages.forEach(m -> idOf.put(m.body(), m.messageId()));
                  // the handler stops the group at the poison record and leaves "next" unmarked
                  return BatchOutcome.builder()
                      .failed(idOf.get("poison"), new NonRetryableException("bad order"))
                      .build();
                })
            .build();

    Invocation invocation = mapping(sqs, queue.queueUrl(), consumer, Duration.ofSeconds(10)).poll();

    assertThat(invocation.records()).hasSize(2);
    assertThat(invocation.failed())
        .as(
            "'next' is behind the dead-lettered record in its group: it must come back, not be deleted")
        .containsExactly(idOf.get("next"));
    assertThat(aws.messagesIn(queue.dlqUrl())).isEqualTo(1);
  }

  @Test
  void theLastAttempt_goesToTheConfiguredDlqWithItsReason(SqsClient sqs, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(1, Duration.ofSeconds(1));
    sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("fails once and for all"));
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .sqsClient(sqs)
            .deadLetterQueueUrl(queue.dlqUrl())
            .handler(
                message -> {
                  throw new IllegalStateException("retryable, but this was the last attempt");
                })
            .build();

    Invocation invocation = mapping(sqs, queue.queueUrl(), consumer, Duration.ofSeconds(10)).poll();

    assertThat(invocation.failed()).as("dead-lettered by sqsx: reported done").isEmpty();
    Message dead =
        sqs.receiveMessage(
                r -> r.queueUrl(queue.dlqUrl()).waitTimeSeconds(2).messageAttributeNames("All"))
            .messages()
            .get(0);
    assertThat(dead.messageAttributes().get("sqsx.ErrorClass").stringValue())
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(dead.messageAttributes().get("sqsx.Attempts").stringValue()).isEqualTo("1");
  }

  private static LambdaEventSourceMapping mapping(
      SqsClient sqs, String queueUrl, LambdaConsumer consumer, Duration functionTimeout) {
    return LambdaEventSourceMapping.builder()
        .sqsClient(sqs)
        .queueUrl(queueUrl)
        .handler(new SqsxFunction(consumer) {})
        .functionTimeout(functionTimeout)
        .build();
  }
}
