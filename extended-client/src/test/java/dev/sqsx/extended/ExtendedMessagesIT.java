/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** The public resolution API on messages received without the extended client. */
@LocalAws
class ExtendedMessagesIT {

  @Test
  void aRawOffloadedMessage_isRecognised_resolved_andRewrapped_andItsHandleDeletesIt(
      SqsClient sqs, S3Client s3, S3AsyncClient s3Async, AwsResources aws) throws Exception {
    String queueUrl = aws.createQueue();
    String bucket = aws.createBucket();
    S3PayloadStore store =
        S3PayloadStore.builder().s3Client(s3).s3AsyncClient(s3Async).bucket(bucket).build();
    String body = "é".repeat(200 * 1024);
    SqsExtendedClient.builder()
        .sqsClient(sqs)
        .payloadStore(store)
        .build()
        .sendMessage(
            r ->
                r.queueUrl(queueUrl)
                    .messageBody(body)
                    .messageAttributes(
                        Map.of(
                            "kind",
                            MessageAttributeValue.builder()
                                .dataType("String")
                                .stringValue("order")
                                .build())));
    Message raw =
        sqs.receiveMessage(
                r -> r.queueUrl(queueUrl).waitTimeSeconds(2).messageAttributeNames("All"))
            .messages()
            .get(0);

    assertThat(ExtendedMessages.isOffloaded(raw)).isTrue();
    PayloadPointer pointer = ExtendedMessages.pointerOf(raw).orElseThrow();
    assertThat(pointer.container()).isEqualTo(bucket);
    Message resolved = ExtendedMessages.resolve(raw, store);
    assertThat(resolved.body()).isEqualTo(body);
    assertThat(resolved.messageAttributes()).containsOnlyKeys("kind");
    assertThat(ExtendedMessages.resolveAsync(raw, store).get().body()).isEqualTo(body);
    assertThat(ExtendedMessages.embeddedPointer(resolved.receiptHandle())).contains(pointer);
    assertThat(ExtendedMessages.sqsReceiptHandle(resolved.receiptHandle()))
        .isEqualTo(raw.receiptHandle());

    ExtendedMessages.WireMessage again = ExtendedMessages.asReceived(resolved).orElseThrow();
    assertThat(again.body()).isEqualTo(raw.body());
    assertThat(again.attributes().get("ExtendedPayloadSize").stringValue())
        .isEqualTo(Integer.toString(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    assertThat(again.receiptHandle()).isEqualTo(raw.receiptHandle());

    sqs.deleteMessage(
        r ->
            r.queueUrl(queueUrl)
                .receiptHandle(ExtendedMessages.sqsReceiptHandle(resolved.receiptHandle())));
    assertThat(aws.messagesIn(queueUrl)).isZero();
  }

  @Test
  void plainAndHostileMessages_getTheLibrarysAnswers() {
    Message plain = Message.builder().body("small").receiptHandle("AQEB").build();
    Message hostile =
        Message.builder()
            .body("//:%")
            .messageAttributes(
                Map.of(
                    "SQSLargePayloadSize",
                    MessageAttributeValue.builder().dataType("Number").stringValue("4").build()))
            .build();

    assertThat(ExtendedMessages.isOffloaded(plain)).isFalse();
    assertThat(ExtendedMessages.pointerOf(plain)).isEmpty();
    assertThat(ExtendedMessages.asReceived(plain)).isEmpty();
    assertThat(ExtendedMessages.sqsReceiptHandle("AQEB")).isEqualTo("AQEB");
    assertThat(ExtendedMessages.isOffloaded(hostile)).isTrue();
    assertThatThrownBy(() -> ExtendedMessages.pointerOf(hostile))
        .isInstanceOf(MalformedPointerException.class);
    assertThat(ExtendedMessages.resolveAsync(hostile, null)).isCompletedExceptionally();
  }
}
