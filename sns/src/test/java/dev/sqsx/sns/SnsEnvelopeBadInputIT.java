/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.PayloadFailureBridge;
import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Envelopes that cannot be delivered as messages, each with a defined end: in the DLQ with its
 * reason, the original envelope kept as it was; a foreign bucket's object is never read or deleted;
 * the good message beside them is handled.
 */
@LocalAws
class SnsEnvelopeBadInputIT {

  private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:orders";

  static String envelope(String type, String message, String attributes) {
    return "{\"Type\":\""
        + type
        + "\",\"MessageId\":\"sns-"
        + Integer.toHexString(message.hashCode())
        + "\",\"TopicArn\":\""
        + TOPIC
        + "\",\"Message\":\""
        + message.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\",\"Timestamp\":\"2026-11-29T12:00:00.000Z\",\"SignatureVersion\":\"1\","
        + "\"Signature\":\"x\",\"SigningCertURL\":\"https://x\",\"UnsubscribeURL\":\"https://y\""
        + (attributes == null ? "" : ",\"MessageAttributes\":" + attributes)
        + "}";
  }

  @Test
  void badEnvelopes_goToTheDlqWithTheirReason_andAForeignObjectIsUntouched(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsResources aws) {
    String bucket = aws.createBucket();
    String foreign = aws.createBucket();
    s3.putObject(r -> r.bucket(foreign).key("secret"), RequestBody.fromString("not yours"));
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(2));
    String marker = "{\"ExtendedPayloadSize\":{\"Type\":\"Number\",\"Value\":\"9\"}}";
    Map<String, String> bad =
        Map.of(
            "MalformedPointerException",
            envelope("Notification", "{not a pointer", marker),
            "PayloadNotAllowedException",
            envelope(
                "Notification",
                "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\""
                    + foreign
                    + "\",\"s3Key\":\"secret\"}]",
                marker),
            "SnsEnvelopeException",
            envelope("SubscriptionConfirmation", "You have chosen to subscribe", null));
    String unknownType =
        envelope("Notification", "typed", "{\"x\":{\"Type\":\"Blob\",\"Value\":\"1\"}}");
    for (String body : bad.values()) {
      sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody(body));
    }
    sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody(unknownType));
    sqs.sendMessage(
        r -> r.queueUrl(queue.queueUrl()).messageBody(envelope("Notification", "good", null)));
    PayloadFailureBridge failures = new PayloadFailureBridge();
    SqsExtendedAsyncClient extended =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(
                S3PayloadStore.builder().s3Client(s3).s3AsyncClient(s3Async).bucket(bucket).build())
            .snsEnvelopes(true)
            .resolutionListener(failures)
            .build();
    List<ReceivedMessage> handled = new CopyOnWriteArrayList<>();

    try (SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(extended)
            .queueUrl(queue.queueUrl())
            .payloadFailures(failures)
            .waitTime(Duration.ofSeconds(1))
            .handler(handled::add)
            .build()) {
      consumer.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> consumer.stats().deadLettered() == 4 && consumer.stats().deleted() >= 1);
    }

    assertThat(handled).extracting(ReceivedMessage::body).containsExactly("good");
    assertThat(aws.messagesIn(queue.queueUrl())).isZero();
    List<Message> dead =
        sqs.receiveMessage(
                r ->
                    r.queueUrl(queue.dlqUrl())
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(1)
                        .messageAttributeNames("All"))
            .messages();
    Map<String, String> reasons =
        dead.stream()
            .collect(
                Collectors.toMap(
                    Message::body,
                    m -> m.messageAttributes().get("sqsx.ErrorClass").stringValue(),
                    (a, b) -> a + "," + b));
    assertThat(dead).hasSize(4);
    bad.forEach(
        (reason, body) ->
            assertThat(reasons.get(body))
                .as("the envelope, unchanged, with its reason")
                .endsWith(reason));
    assertThat(reasons.get(unknownType)).endsWith("SnsEnvelopeException");
    assertThat(s3.getObjectAsBytes(r -> r.bucket(foreign).key("secret")).asUtf8String())
        .as("a pointer to a bucket that is not allowed is neither read nor deleted")
        .isEqualTo("not yours");
  }
}
