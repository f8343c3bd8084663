/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples;

import dev.sqsx.consumer.SqsConsumer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** What the demo reads back to check its invariants: settled counts, dead letters, leftovers. */
final class QueueChecks {

  private QueueChecks() {}

  static long settled(List<SqsConsumer> consumers) {
    return consumers.stream().mapToLong(c -> c.stats().deleted() + c.stats().deadLettered()).sum();
  }

  record DeadLetters(Set<Integer> orders, Map<String, Integer> reasons, long pointers) {}

  static DeadLetters readDeadLetters(SqsClient sqs, String dlqUrl) {
    Set<Integer> orders = new HashSet<>();
    Map<String, Integer> reasons = new TreeMap<>();
    long pointers = 0;
    while (true) {
      List<Message> batch =
          sqs.receiveMessage(
                  r ->
                      r.queueUrl(dlqUrl)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .visibilityTimeout(60)
                          .messageAttributeNames("All"))
              .messages();
      if (batch.isEmpty()) {
        return new DeadLetters(orders, reasons, pointers);
      }
      for (Message message : batch) {
        if (message.body().startsWith("[")) {
          pointers++;
        } else {
          orders.add(Orders.idOf(message.body()));
        }
        var error = message.messageAttributes().get("sqsx.ErrorClass");
        var text = message.messageAttributes().get("sqsx.ErrorMessage");
        String reason =
            (error == null ? "(no reason attached)" : simpleName(error.stringValue()))
                + (text == null ? "" : ": " + text.stringValue().replaceAll("\\d+", "N"));
        reasons.merge(reason, 1, Integer::sum);
      }
    }
  }

  static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  static long manifests(DynamoDbClient dynamoDb, String table) {
    long count = 0;
    for (var page :
        dynamoDb.scanPaginator(
            r ->
                r.tableName(table)
                    .filterExpression("sk = :m")
                    .expressionAttributeValues(
                        Map.of(
                            ":m",
                            software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                "manifest")))
                    .consistentRead(true))) {
      count += page.count();
    }
    return count;
  }

  static long messagesLeft(SqsClient sqs, String queueUrl) {
    Map<QueueAttributeName, String> attributes =
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(queueUrl)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Long.parseLong(
            attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
