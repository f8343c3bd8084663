/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.lambda.LambdaEventSourceMapping;
import dev.sqsx.testing.lambda.LambdaEventSourceMapping.Invocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Review: hostile events against the Lambda settlement. */
@LocalAws
class LambdaReviewIT {

  /**
   * GUARANTEES, Lambda: "the payload stays (the DLQ copy points to it)" for a record sqsx
   * dead-letters, and "no DLQ pointer to a deleted payload". An event may carry the same message
   * twice (standard queues deliver at least once). Its first copy fails on the last attempt and is
   * dead-lettered (reported done, payload kept); its second copy succeeds. The report for the id
   * goes from DEAD_LETTERED to SUCCEEDED, so deletePayloads deletes the payload the DLQ copy points
   * to.
   */
  @Test
  void duplicateRecord_deadLetteredThenSucceeded_leavesTheDlqCopyItsPayload(
      SqsClient sqs, S3Client s3, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(1, Duration.ofSeconds(1));
    String bucket = aws.createBucket();
    S3PayloadStore store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
    SqsExtendedClient.builder()
        .sqsClient(sqs)
        .payloadStore(store)
        .alwaysOffload(true)
        .build()
        .sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("order-1"));
    AtomicInteger calls = new AtomicInteger();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .payloadStore(store)
            .deletePayloads(true)
            .sqsClient(sqs)
            .deadLetterQueueUrl(queue.dlqUrl())
            .concurrency(1)
            .handler(
                message -> {
                  if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("a transient failure");
                  }
                })
            .build();
    LambdaEventSourceMapping mapping =
        LambdaEventSourceMapping.builder()
            .sqsClient(sqs)
            .queueUrl(queue.queueUrl())
            .functionTimeout(Duration.ofSeconds(10))
            .handler(
                (event, context) -> {
                  // the same record twice in one event, as an at-least-once delivery may give it
                  List<SQSEvent.SQSMessage> records = new ArrayList<>(event.getRecords());
                  records.add(event.getRecords().get(0));
                  event.setRecords(records);
                  return consumer.handle(event, context);
                })
            .build();

    Invocation invocation = mapping.poll();

    assertThat(invocation.thrown()).isNull();
    assertThat(calls.get()).isEqualTo(2);
    assertThat(aws.messagesIn(queue.dlqUrl())).as("the first copy was dead-lettered").isEqualTo(1);
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
        .as("the DLQ copy is a pointer: its payload must still be there")
        .hasSize(1);
  }
}
