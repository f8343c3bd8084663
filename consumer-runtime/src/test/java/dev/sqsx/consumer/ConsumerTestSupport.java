/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Helpers shared by the consumer ITs. */
final class ConsumerTestSupport {

  private ConsumerTestSupport() {}

  /** Sends {@code count} messages with bodies "0".."count-1", 10 per call. */
  static void sendNumbered(SqsClient sqs, String queueUrl, int count) {
    for (int from = 0; from < count; from += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + 10); i++) {
        entries.add(
            SendMessageBatchRequestEntry.builder()
                .id("m" + i)
                .messageBody(Integer.toString(i))
                .build());
      }
      var response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
      if (!response.failed().isEmpty()) {
        throw new AssertionError("send failed: " + response.failed());
      }
    }
  }

  /** Visible and in-flight message counts as SQS reports them. */
  static int[] visibleAndInFlight(SqsClient sqs, String queueUrl) {
    Map<QueueAttributeName, String> attributes =
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(queueUrl)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return new int[] {
      Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
      Integer.parseInt(
          attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
    };
  }
}
