/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.lambda.LambdaEventSourceMapping.Invocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The harness's settling of invocations that run past the function timeout. */
@LocalAws
class LambdaEventSourceMappingIT {

  @Test
  void aFunctionThatReturnsAfterItsTimeout_hasTimedOut_nothingIsDeleted_andTheBatchComesBack(
      SqsClient sqs, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(2));
    sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("one"));
    sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("two"));
    AtomicBoolean late = new AtomicBoolean(true);
    LambdaEventSourceMapping mapping =
        LambdaEventSourceMapping.builder()
            .sqsClient(sqs)
            .queueUrl(queue.queueUrl())
            .functionTimeout(Duration.ofMillis(500))
            .handler(
                (event, context) -> {
                  if (late.getAndSet(false)) {
                    sleep(context.getRemainingTimeInMillis() + 100L);
                  }
                  return new SQSBatchResponse(new ArrayList<>()); // all done, but too late
                })
            .build();

    Invocation first = firstWithRecords(mapping);

    assertThat(first.timedOut()).isTrue();
    assertThat(first.thrown()).isNull();
    assertThat(first.deleted()).isEmpty();
    assertThat(first.failed()).containsExactlyInAnyOrderElementsOf(first.records());
    assertThat(aws.messagesIn(queue.queueUrl())).isEqualTo(2);
    List<Invocation> again =
        mapping.runUntil(() -> aws.messagesIn(queue.queueUrl()) == 0, Duration.ofSeconds(20));
    assertThat(again).noneMatch(Invocation::timedOut);
    assertThat(again.stream().flatMap(i -> i.deleted().stream()))
        .as("the same records, delivered again after their visibility timeout")
        .containsAll(first.records());
  }

  @Test
  void aFunctionThatThrowsAfterItsTimeout_hasTimedOut_andNothingIsDeleted(
      SqsClient sqs, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("one"));
    LambdaEventSourceMapping mapping =
        LambdaEventSourceMapping.builder()
            .sqsClient(sqs)
            .queueUrl(queueUrl)
            .functionTimeout(Duration.ofMillis(300))
            .handler(
                (event, context) -> {
                  sleep(context.getRemainingTimeInMillis() + 100L);
                  throw new IllegalStateException("gave up late");
                })
            .build();

    Invocation invocation = firstWithRecords(mapping);

    assertThat(invocation.timedOut()).isTrue();
    assertThat(invocation.thrown()).hasMessage("gave up late");
    assertThat(invocation.deleted()).isEmpty();
    assertThat(aws.messagesIn(queueUrl)).isEqualTo(1);
  }

  @Test
  void aFunctionThatReturnsInTime_hasNotTimedOut(SqsClient sqs, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("one"));
    LambdaEventSourceMapping mapping =
        LambdaEventSourceMapping.builder()
            .sqsClient(sqs)
            .queueUrl(queueUrl)
            .handler((event, context) -> new SQSBatchResponse(new ArrayList<>()))
            .build();

    Invocation invocation = firstWithRecords(mapping);

    assertThat(invocation.timedOut()).isFalse();
    assertThat(invocation.deleted()).containsExactlyElementsOf(invocation.records());
    assertThat(aws.messagesIn(queueUrl)).isZero();
  }

  private static Invocation firstWithRecords(LambdaEventSourceMapping mapping) {
    for (int poll = 0; poll < 10; poll++) {
      Invocation invocation = mapping.poll();
      if (!invocation.records().isEmpty()) {
        return invocation;
      }
    }
    throw new AssertionError("no records delivered in 10 polls");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
