/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.extended.PayloadResolutionFailure;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.faults.Fault;
import dev.sqsx.testing.faults.FaultInjector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Review of issue #30 ("no payload deleted while a pointer to it may live"): the crash window
 * between the dead-letter send of an offloaded message (its pointer, not a copy of the payload) and
 * the delete of the source message.
 */
@LocalAws
class DeadLetterCrashWindowIT {

  /**
   * A consumer dead-letters an offloaded message as its pointer, then dies before SQS confirms the
   * delete of the source message (here: every delete it makes fails, and it is closed). The source
   * message comes back to another consumer, whose handler now succeeds: its delete removes the
   * payload with the message, although the DLQ copy still points to it.
   */
  @Test
  void deadLetteredThenCrashedBeforeTheSourceDelete_aLaterSuccess_leavesTheDlqCopyItsPayload(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsEndpoints endpoints,
      AwsResources aws) {
    QueueWithDlq queue =
        aws.createQueueWithDlq(100, Duration.ofSeconds(1)); // SQS never moves it itself
    String bucket = aws.createBucket();
    S3PayloadStore store = S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build();
    String large = "z".repeat(300 * 1024);
    SqsExtendedAsyncClient.builder()
        .sqsClient(sqsAsync)
        .payloadStore(store)
        .build()
        .sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody(large))
        .join();

    // consumer 1: dead-letters on attempt 1; every delete it makes fails (it dies before one lands)
    FaultInjector deletesFail =
        FaultInjector.builder()
            .failureRate(1.0)
            .faults(Fault.SERVER_ERROR)
            .only("sqs:DeleteMessage", "sqs:DeleteMessageBatch")
            .build();
    SqsAsyncClient faulty = endpoints.withFaults(deletesFail).newSqsAsyncClient();
    SqsConsumer first =
        SqsConsumer.builder()
            .sqsClient(
                SqsExtendedAsyncClient.builder().sqsClient(faulty).payloadStore(store).build())
            .queueUrl(queue.queueUrl())
            .waitTime(Duration.ofSeconds(1))
            .handler(
                m -> {
                  throw new NonRetryableException("first consumer gives up on it");
                })
            .build();
    first.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> aws.messagesIn(queue.dlqUrl()) >= 1);
    first.close();

    // consumer 2: the source message comes back, and is handled
    List<String> handled = new CopyOnWriteArrayList<>();
    SqsConsumer second =
        SqsConsumer.builder()
            .sqsClient(
                SqsExtendedAsyncClient.builder().sqsClient(sqsAsync).payloadStore(store).build())
            .queueUrl(queue.queueUrl())
            .waitTime(Duration.ofSeconds(1))
            .handler(m -> handled.add(m.messageId()))
            .build();
    second.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() == 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> aws.messagesIn(queue.queueUrl()) == 0);
    second.close();

    // the DLQ copy is a pointer that still lives: it must resolve
    List<PayloadResolutionFailure> failures = new ArrayList<>();
    SqsExtendedClient dlqReader =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
            .cleanupPayload(false)
            .resolutionListener(failures::add)
            .build();
    List<Message> dead = new ArrayList<>();
    for (int emptyReceives = 0; emptyReceives < 3; ) {
      List<Message> batch =
          dlqReader
              .receiveMessage(
                  r -> r.queueUrl(queue.dlqUrl()).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages();
      emptyReceives = batch.isEmpty() ? emptyReceives + 1 : 0;
      dead.addAll(batch);
    }
    assertThat(failures)
        .as(
            "DLQ copies (of %s) whose payload the source message's later success deleted: %s",
            failures.size() + dead.size(),
            failures.isEmpty() ? "" : failures.get(0).error().toString())
        .isEmpty();
    assertThat(dead).isNotEmpty().extracting(Message::body).containsOnly(large);
  }
}
