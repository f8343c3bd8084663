/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class SnsNotificationTest {

  private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:orders";

  private static String envelope(String type, String message, String attributes) {
    return "{\"Type\":\""
        + type
        + "\",\"MessageId\":\"sns-1\",\"TopicArn\":\""
        + TOPIC
        + "\",\"Subject\":\"s\",\"Message\":"
        + message
        + ",\"Timestamp\":\"2026-11-29T12:00:00.000Z\",\"SignatureVersion\":\"1\","
        + "\"Signature\":\"x\",\"SigningCertURL\":\"https://x\",\"UnsubscribeURL\":\"https://y\""
        + (attributes == null ? "" : ",\"MessageAttributes\":" + attributes)
        + "}";
  }

  @Test
  void ordinaryBodies_areNotEnvelopes() {
    assertThat(SnsNotification.parse("hello")).isEmpty();
    assertThat(SnsNotification.parse("{not json")).isEmpty();
    assertThat(SnsNotification.parse("{\"Type\":\"order\",\"id\":1}")).as("no TopicArn").isEmpty();
    assertThat(SnsNotification.parse("[1,2]")).isEmpty();
    assertThat(SnsNotification.parse(null)).isEmpty();
  }

  @Test
  void aNotification_isReadWithItsAttributes() {
    String body =
        envelope(
            "Notification",
            "\"payload \\\"quoted\\\"\"",
            "{\"kind\":{\"Type\":\"String\",\"Value\":\"order\"},"
                + "\"n\":{\"Type\":\"Number\",\"Value\":\"42\"},"
                + "\"b\":{\"Type\":\"Binary\",\"Value\":\"aGk=\"},"
                + "\"tags\":{\"Type\":\"String.Array\",\"Value\":\"[\\\"a\\\",\\\"b\\\"]\"}}");

    SnsNotification notification = SnsNotification.parse(body).orElseThrow();

    assertThat(notification.messageId()).isEqualTo("sns-1");
    assertThat(notification.topicArn()).isEqualTo(TOPIC);
    assertThat(notification.subject()).isEqualTo("s");
    assertThat(notification.timestamp()).isEqualTo("2026-11-29T12:00:00.000Z");
    assertThat(notification.message()).isEqualTo("payload \"quoted\"");
    assertThat(notification.messageAttributes().get("kind").stringValue()).isEqualTo("order");
    assertThat(notification.messageAttributes().get("n").dataType()).isEqualTo("Number");
    assertThat(notification.messageAttributes().get("n").stringValue()).isEqualTo("42");
    assertThat(
            new String(
                notification.messageAttributes().get("b").binaryValue().asByteArray(),
                StandardCharsets.UTF_8))
        .isEqualTo("hi");
    assertThat(notification.messageAttributes().get("tags").dataType()).isEqualTo("String.Array");
    assertThat(notification.messageAttributes().get("tags").stringValue())
        .isEqualTo("[\"a\",\"b\"]");
  }

  @Test
  void unwrap_keepsSqsIdentity_andCarriesTheTopic() {
    Message envelope =
        Message.builder()
            .messageId("sqs-1")
            .receiptHandle("handle")
            .body(envelope("Notification", "\"inner\"", null))
            .attributesWithStrings(Map.of("ApproximateReceiveCount", "2"))
            .build();

    Message unwrapped = SnsNotification.unwrap(envelope, "https://q").orElseThrow();

    assertThat(unwrapped.body()).isEqualTo("inner");
    assertThat(unwrapped.messageId()).isEqualTo("sqs-1");
    assertThat(unwrapped.receiptHandle()).isEqualTo("handle");
    assertThat(unwrapped.attributes())
        .as("SQS's own system attributes still read as before")
        .containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "2");
    assertThat(SnsNotification.topicArnOf(unwrapped)).contains(TOPIC);
    assertThat(SnsNotification.messageIdOf(unwrapped)).contains("sns-1");
    assertThat(SnsNotification.topicArnOf(envelope)).isEmpty();
  }

  @Test
  void envelopesThatCannotBeUnwrapped_failWithTheReason_andNameTheMessage() {
    Message confirmation =
        Message.builder()
            .messageId("sqs-2")
            .body(envelope("SubscriptionConfirmation", "\"confirm\"", null))
            .build();
    assertThatThrownBy(() -> SnsNotification.unwrap(confirmation, "https://q/orders"))
        .isInstanceOf(SnsEnvelopeException.class)
        .hasMessageContaining("Type 'SubscriptionConfirmation'")
        .hasMessageContaining("https://q/orders")
        .hasMessageContaining("sqs-2")
        .satisfies(e -> assertThat(((SnsEnvelopeException) e).retryable()).isFalse());

    assertThatThrownBy(
            () ->
                SnsNotification.parse(
                    envelope(
                        "Notification", "\"m\"", "{\"x\":{\"Type\":\"Blob\",\"Value\":\"1\"}}")))
        .isInstanceOf(SnsEnvelopeException.class)
        .hasMessageContaining("message attribute 'x' has unknown type Blob");
    assertThatThrownBy(
            () ->
                SnsNotification.parse(
                    envelope(
                        "Notification",
                        "\"m\"",
                        "{\"x\":{\"Type\":\"Binary\",\"Value\":\"%%%\"}}")))
        .isInstanceOf(SnsEnvelopeException.class)
        .hasMessageContaining("is not base64");
    assertThatThrownBy(() -> SnsNotification.parse(envelope("Notification", "42", null)))
        .isInstanceOf(SnsEnvelopeException.class)
        .hasMessageContaining("has no string Message");
  }
}
