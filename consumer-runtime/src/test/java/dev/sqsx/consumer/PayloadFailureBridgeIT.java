/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * One {@link PayloadFailureBridge} shared by several consumers, as the Spring Boot starter does.
 */
@LocalAws
class PayloadFailureBridgeIT {

  /**
   * Two consumers of one FIFO queue share a bridge. The one bound first never polls (its circuit
   * breaker is forced open), so the other receives the whole group, whose first message points to a
   * payload that is not there yet: that receiving consumer must handle the failure, and so hold the
   * group's later messages of the same receive until the first one has run.
   */
  @Test
  void fifo_aPayloadFailure_isHandledByTheConsumerWhoseReceiveHitIt_soItsGroupStaysInOrder(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsResources aws) {
    String bucket = aws.createBucket();
    PayloadFailureBridge failures = new PayloadFailureBridge();
    SqsExtendedAsyncClient extended =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
            .resolutionListener(failures)
            .build();

    assertTheGroupStaysInOrder(sqs, s3, aws, bucket, failures, b -> b.sqsClient(extended));
  }

  /** The same through the synchronous extended client, on which the consumer blocks a pool. */
  @Test
  void fifo_aPayloadFailure_onTheSynchronousClient_isHandledByTheConsumerWhoseReceiveHitIt(
      SqsClient sqs, S3Client s3, AwsResources aws) {
    String bucket = aws.createBucket();
    PayloadFailureBridge failures = new PayloadFailureBridge();
    SqsExtendedClient extended =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
            .resolutionListener(failures)
            .build();

    assertTheGroupStaysInOrder(sqs, s3, aws, bucket, failures, b -> b.sqsClient(extended));
  }

  private static void assertTheGroupStaysInOrder(
      SqsClient sqs,
      S3Client s3,
      AwsResources aws,
      String bucket,
      PayloadFailureBridge failures,
      UnaryOperator<SqsConsumerBuilder> client) {
    String queueUrl = aws.createFifoQueue(false);
    CircuitBreaker forcedOpen = CircuitBreaker.ofDefaults("never-polls");
    forcedOpen.transitionToForcedOpenState();
    List<String> handledByIdle = new CopyOnWriteArrayList<>();
    List<String> handledByReceiver = new CopyOnWriteArrayList<>();
    SqsConsumer idle =
        client.apply(bridged(queueUrl, failures, handledByIdle)).circuitBreaker(forcedOpen).build();
    SqsConsumer receiver = client.apply(bridged(queueUrl, failures, handledByReceiver)).build();
    idle.start(); // bound first
    sendGroupWithAMissingFirstPayload(sqs, queueUrl, bucket, "late");

    receiver.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> failedIn(idle, receiver) == 1);
    s3.putObject(r -> r.bucket(bucket).key("late"), RequestBody.fromString("0"));
    await().atMost(Duration.ofSeconds(30)).until(() -> handledByReceiver.size() == 3);
    idle.close();
    receiver.close();

    assertThat(handledByReceiver)
        .as("the group in send order: 1 and 2 only after 0, whose payload was missing at first")
        .containsExactly("0", "1", "2");
    assertThat(receiver.stats().failed())
        .as("the payload failure was handled by the consumer whose receive hit it")
        .isEqualTo(1);
    assertThat(idle.stats().failed()).as("the consumer that never polled").isZero();
    assertThat(handledByIdle).isEmpty();
  }

  private static long failedIn(SqsConsumer... consumers) {
    long failed = 0;
    for (SqsConsumer consumer : consumers) {
      failed += consumer.stats().failed();
    }
    return failed;
  }

  private static SqsConsumerBuilder bridged(
      String queueUrl, PayloadFailureBridge failures, List<String> handled) {
    return SqsConsumer.builder()
        .queueUrl(queueUrl)
        .payloadFailures(failures)
        .concurrency(4)
        .waitTime(Duration.ofSeconds(1))
        .visibilityTimeout(Duration.ofSeconds(2))
        .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(1)))
        .handler(m -> handled.add(m.body()));
  }

  /** Group "g": 0 points to {@code bucket/key} (absent), then 1 and 2 as plain bodies. */
  private static void sendGroupWithAMissingFirstPayload(
      SqsClient sqs, String queueUrl, String bucket, String key) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    entries.add(
        entry(0)
            .messageBody(
                "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\""
                    + bucket
                    + "\",\"s3Key\":\""
                    + key
                    + "\"}]")
            .messageAttributes(
                Map.of(
                    "ExtendedPayloadSize",
                    MessageAttributeValue.builder().dataType("Number").stringValue("1").build()))
            .build());
    entries.add(entry(1).messageBody("1").build());
    entries.add(entry(2).messageBody("2").build());
    assertThat(sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)).failed()).isEmpty();
  }

  private static SendMessageBatchRequestEntry.Builder entry(int index) {
    return SendMessageBatchRequestEntry.builder()
        .id("m" + index)
        .messageGroupId("g")
        .messageDeduplicationId("g-" + index);
  }
}
