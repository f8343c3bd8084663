/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.extended.MalformedPointerException;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Replies through the extended client: what becomes of their payloads, and of hostile pointers. */
@LocalAws
class ExtendedRepliesIT {

  private static final String BIG = "0123456789abcdef".repeat(2 * 1024 * 1024 / 16);

  @Test
  void aLateTwoMegabyteReply_isDeletedWithItsPayload(
      SqsAsyncClient sqsAsync, S3AsyncClient s3Async, S3Client s3, AwsResources aws) {
    String bucket = aws.createBucket();
    SqsExtendedAsyncClient extended = extended(sqsAsync, s3Async, bucket);
    String requests = aws.createQueue();
    SqsResponder slow =
        SqsResponder.builder()
            .sqsClient(extended)
            .asyncHandler(
                request ->
                    CompletableFuture.supplyAsync(
                        () -> ReplyMessage.of(BIG),
                        CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS)))
            .build();
    try (SqsConsumer consumer = consumer(extended, requests, slow);
        SqsRequester requester = requester(extended, aws).build()) {
      consumer.start();
      requester.start();

      assertThat(requester.request(requests, "late please", Duration.ofMillis(500)))
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(RequestTimeoutException.class);
      await().atMost(Duration.ofSeconds(20)).until(() -> requester.stats().lateReplies() == 1);
      assertThat(slow.repliesSent()).isEqualTo(1);
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> s3.listObjectsV2(r -> r.bucket(bucket)).keyCount() == 0);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> aws.messagesIn(requester.replyQueueUrl()) == 0);
    }
  }

  @Test
  void aTwoMegabyteReplyToAQueueThatIsGone_isDropped_andLeavesNoPayload(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3AsyncClient s3Async,
      S3Client s3,
      AwsResources aws) {
    String bucket = aws.createBucket();
    SqsExtendedAsyncClient extended = extended(sqsAsync, s3Async, bucket);
    String requests = aws.createQueue();
    String gone = sqs.createQueue(r -> r.queueName(aws.uniqueName("gone"))).queueUrl();
    sqs.deleteQueue(r -> r.queueUrl(gone));
    SqsResponder responder =
        SqsResponder.builder().sqsClient(extended).handler(request -> ReplyMessage.of(BIG)).build();
    try (SqsConsumer consumer = consumer(extended, requests, responder)) {
      consumer.start();
      sqs.sendMessage(
          r ->
              r.queueUrl(requests)
                  .messageBody("from a requester that crashed")
                  .messageAttributes(
                      Map.of(
                          SqsRequester.REPLY_TO_ATTRIBUTE,
                          text(gone),
                          SqsRequester.CORRELATION_ID_ATTRIBUTE,
                          text("c-1"))));

      await().atMost(Duration.ofSeconds(15)).until(() -> responder.replyQueuesGone() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> aws.messagesIn(requests) == 0);
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> s3.listObjectsV2(r -> r.bucket(bucket)).keyCount() == 0);
      assertThat(responder.repliesSent()).isZero();
    }
  }

  @Test
  void aReplyWithAMalformedPointer_failsItsRequestWithTheReason_andIsDeletedAtOnce(
      SqsClient sqs, SqsAsyncClient sqsAsync, S3AsyncClient s3Async, AwsResources aws) {
    String bucket = aws.createBucket();
    SqsExtendedAsyncClient extended = extended(sqsAsync, s3Async, bucket);
    String requests = aws.createQueue(); // answered by hand below
    try (SqsRequester requester = requester(extended, aws).build()) {
      requester.start();
      CompletableFuture<Reply> reply =
          requester.request(requests, "answer me", Duration.ofSeconds(60));
      Message request =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(
                  () ->
                      sqs.receiveMessage(
                              r ->
                                  r.queueUrl(requests)
                                      .messageAttributeNames("All")
                                      .waitTimeSeconds(1))
                          .messages(),
                  messages -> !messages.isEmpty())
              .get(0);
      String correlationId =
          request.messageAttributes().get(SqsRequester.CORRELATION_ID_ATTRIBUTE).stringValue();
      // a reply whose body claims to be an offloaded payload but is no pointer
      sqs.sendMessage(
          r ->
              r.queueUrl(requester.replyQueueUrl())
                  .messageBody("//:%")
                  .messageAttributes(
                      Map.of(
                          "ExtendedPayloadSize",
                          MessageAttributeValue.builder()
                              .dataType("Number")
                              .stringValue("10")
                              .build(),
                          SqsRequester.CORRELATION_ID_ATTRIBUTE,
                          text(correlationId))));

      assertThat(reply)
          .failsWithin(Duration.ofSeconds(15))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(RequestException.class)
          .withMessageContaining("could not be read")
          .withMessageContaining(correlationId)
          .withMessageContaining(requester.replyQueueUrl())
          .havingCause()
          .isInstanceOf(MalformedPointerException.class);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> aws.messagesIn(requester.replyQueueUrl()) == 0);
      assertThat(requester.stats().pending()).isZero();
      assertThat(requester.stats().replies()).isZero();
    }
  }

  private static SqsExtendedAsyncClient extended(
      SqsAsyncClient sqsAsync, S3AsyncClient s3Async, String bucket) {
    return SqsExtendedAsyncClient.builder()
        .sqsClient(sqsAsync)
        .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
        .build();
  }

  private static SqsConsumer consumer(SqsAsyncClient sqs, String queueUrl, SqsResponder responder) {
    return SqsConsumer.builder()
        .sqsClient(sqs)
        .queueUrl(queueUrl)
        .concurrency(2)
        .waitTime(Duration.ofSeconds(1))
        .asyncHandler(responder)
        .build();
  }

  private static SqsRequester.Builder requester(SqsAsyncClient sqs, AwsResources aws) {
    return SqsRequester.builder()
        .sqsClient(sqs)
        .replyQueuePrefix(aws.uniqueName("rq") + "-")
        .waitTime(Duration.ofSeconds(2));
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }
}
