/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@LocalAws
class SqsEndpointIT {

  @Test
  void message_notDeletedAfterMaxReceiveCount_isMovedToDlq(SqsClient sqs, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(2, Duration.ofSeconds(1));
    String sentId =
        sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("poison")).messageId();

    for (int receive = 1; receive <= 2; receive++) {
      Message received = receiveOne(sqs, queue.queueUrl());
      assertThat(received.messageId()).isEqualTo(sentId);
      assertThat(received.attributes())
          .containsEntry(
              MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, Integer.toString(receive));
    }

    // As in SQS, the move happens on the receive after the count is spent: it returns nothing.
    assertThat(sqs.receiveMessage(r -> r.queueUrl(queue.queueUrl()).waitTimeSeconds(3)).messages())
        .isEmpty();
    Message deadLettered = receiveOne(sqs, queue.dlqUrl());
    assertThat(deadLettered.messageId()).isEqualTo(sentId);
    assertThat(deadLettered.body()).isEqualTo("poison");
  }

  @Test
  void redrivePolicy_namesTheDlqArn(SqsClient sqs, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(3, Duration.ofSeconds(2));

    var attributes =
        sqs.getQueueAttributes(
                r -> r.queueUrl(queue.queueUrl()).attributeNames(QueueAttributeName.ALL))
            .attributes();

    assertThat(attributes.get(QueueAttributeName.REDRIVE_POLICY))
        .contains(queue.dlqArn())
        .contains("3");
    assertThat(attributes).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "2");
    assertThat(queue.dlqArn()).startsWith("arn:aws:sqs:");
  }

  @Test
  void asyncClient_sendsAndReceivesThroughTheSameEndpoint(SqsAsyncClient sqs, AwsResources aws)
      throws Exception {
    String queueUrl = aws.createQueue();

    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("async")).get(10, TimeUnit.SECONDS);
    List<Message> messages =
        sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(5))
            .get(10, TimeUnit.SECONDS)
            .messages();

    assertThat(messages).extracting(Message::body).containsExactly("async");
  }

  @Test
  void fifoQueue_keepsOrderWithinAGroup(SqsClient sqs, AwsResources aws) {
    String queueUrl = aws.createFifoQueue(true);
    for (int i = 0; i < 5; i++) {
      String body = "m" + i;
      sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body).messageGroupId("g"));
    }

    List<String> bodies =
        sqs
            .receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(2))
            .messages()
            .stream()
            .map(Message::body)
            .toList();

    assertThat(queueUrl).endsWith(".fifo");
    assertThat(bodies).containsExactly("m0", "m1", "m2", "m3", "m4");
  }

  private static Message receiveOne(SqsClient sqs, String queueUrl) {
    Message[] found = new Message[1];
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              List<Message> messages =
                  sqs.receiveMessage(
                          r ->
                              r.queueUrl(queueUrl)
                                  .waitTimeSeconds(1)
                                  .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                      .messages();
              if (messages.isEmpty()) {
                return false;
              }
              found[0] = messages.get(0);
              return true;
            });
    return found[0];
  }
}
