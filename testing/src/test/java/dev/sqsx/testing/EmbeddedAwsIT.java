/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

class EmbeddedAwsIT {

  @Test
  void dynamoDb_isDynaliteInAChildProcess_thatStopsOnClose() {
    List<ProcessHandle> before = ProcessHandle.current().children().toList();
    List<ProcessHandle> children;
    try (EmbeddedAws aws = EmbeddedAws.start();
        DynamoDbClient dynamoDb = aws.endpoints().newDynamoDbClient()) {
      assertThat(aws.endpoints().dynamoDbEndpoint().orElseThrow().getHost()).isEqualTo("127.0.0.1");
      dynamoDb.createTable(
          r ->
              r.tableName("orders")
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .attributeDefinitions(
                      AttributeDefinition.builder()
                          .attributeName("pk")
                          .attributeType(ScalarAttributeType.S)
                          .build())
                  .keySchema(
                      KeySchemaElement.builder()
                          .attributeName("pk")
                          .keyType(KeyType.HASH)
                          .build()));
      dynamoDb.putItem(r -> r.tableName("orders").item(Map.of("pk", AttributeValue.fromS("1"))));
      assertThat(dynamoDb.scan(r -> r.tableName("orders")).count()).isEqualTo(1);
      children =
          ProcessHandle.current()
              .children()
              .filter(p -> !before.contains(p))
              .filter(p -> p.info().command().orElse("").contains("node"))
              .toList();
      assertThat(children).as("one new dynalite (node) child of this JVM").hasSize(1);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(children).noneMatch(ProcessHandle::isAlive));
  }
}
