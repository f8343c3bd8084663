/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

@LocalAws
class QueueSizeLimitShimIT {

  @Test
  void aDeclaredQueue_answersItsLimit_andRefusesWhatIsOver_attributesCounted(
      AwsEndpoints endpoints, AwsResources aws) {
    QueueSizeLimitShim limits = new QueueSizeLimitShim();
    String small = aws.createQueue();
    String other = aws.createQueue();
    limits.declare(small, 1_024);
    try (SqsClient sqs =
        endpoints
            .configure(SqsClient.builder(), endpoints.sqsEndpoint())
            .overrideConfiguration(c -> c.addExecutionInterceptor(limits))
            .build()) {
      assertThat(
              sqs.getQueueAttributes(
                      r ->
                          r.queueUrl(small).attributeNames(QueueAttributeName.MAXIMUM_MESSAGE_SIZE))
                  .attributes())
          .containsEntry(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "1024");
      assertThat(limits.reads(small)).isEqualTo(1);

      // 1,000 bytes of body + "k" + "String" + 17 bytes of value = 1,024: fits exactly
      sqs.sendMessage(
          r -> r.queueUrl(small).messageBody("x".repeat(1_000)).messageAttributes(attribute(17)));
      assertThatThrownBy(
              () ->
                  sqs.sendMessage(
                      r ->
                          r.queueUrl(small)
                              .messageBody("x".repeat(1_000))
                              .messageAttributes(attribute(18))))
          .isInstanceOf(SqsException.class)
          .hasMessageContaining("Message must be shorter than 1024 bytes")
          .satisfies(
              e ->
                  assertThat(((SqsException) e).awsErrorDetails().errorCode())
                      .isEqualTo("InvalidParameterValue"));
      sqs.sendMessage(r -> r.queueUrl(other).messageBody("x".repeat(2_000)));
      assertThat(limits.refused(small)).isEqualTo(1);
      assertThat(limits.refused(other)).isZero();

      limits.refuseEntriesAlone();
      SendMessageBatchResponse batch =
          sqs.sendMessageBatch(
              r ->
                  r.queueUrl(small)
                      .entries(
                          SendMessageBatchRequestEntry.builder()
                              .id("fits")
                              .messageBody("ok")
                              .build(),
                          SendMessageBatchRequestEntry.builder()
                              .id("over")
                              .messageBody("x".repeat(1_025))
                              .build()));
      assertThat(batch.successful()).extracting(e -> e.id()).containsExactly("fits");
      assertThat(batch.failed())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.id()).isEqualTo("over");
                assertThat(f.code()).isEqualTo("InvalidParameterValue");
                assertThat(f.senderFault()).isTrue();
              });
      assertThat(limits.refused(small)).isEqualTo(2);
    }
  }

  private static Map<String, MessageAttributeValue> attribute(int valueBytes) {
    return Map.of(
        "k",
        MessageAttributeValue.builder()
            .dataType("String")
            .stringValue("v".repeat(valueBytes))
            .build());
  }
}
