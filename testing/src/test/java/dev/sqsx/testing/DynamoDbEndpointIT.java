/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

@LocalAws
class DynamoDbEndpointIT {

  @Test
  void conditionalPut_onExistingKey_failsAndKeepsTheOldItem(
      DynamoDbClient dynamoDb, AwsEndpoints endpoints, AwsResources aws) {
    String table = aws.createTable("pk");
    dynamoDb.putItem(
        r -> r.tableName(table).item(Map.of("pk", s("order-1"), "owner", s("worker-a"))));

    ConditionalCheckFailedException conflict =
        catchThrowableOfType(
            ConditionalCheckFailedException.class,
            () ->
                dynamoDb.putItem(
                    r ->
                        r.tableName(table)
                            .item(Map.of("pk", s("order-1"), "owner", s("worker-b")))
                            .conditionExpression("attribute_not_exists(pk)")
                            .returnValuesOnConditionCheckFailure(
                                ReturnValuesOnConditionCheckFailure.ALL_OLD)));

    assertThat(conflict).isNotNull();
    if (endpoints.supports(EndpointFeature.DYNAMODB_RETURN_VALUES_ON_CONDITION_CHECK_FAILURE)) {
      assertThat(conflict.item()).containsEntry("owner", s("worker-a"));
    } else {
      assertThat(conflict.hasItem())
          .as("dynalite returns no item on a failed condition: code must not rely on one")
          .isFalse();
    }
    assertThat(
            dynamoDb
                .getItem(
                    r -> r.tableName(table).key(Map.of("pk", s("order-1"))).consistentRead(true))
                .item())
        .containsEntry("owner", s("worker-a"));
  }

  @Test
  void asyncClient_readsWhatTheSyncClientWrote(
      DynamoDbClient dynamoDb, DynamoDbAsyncClient async, AwsResources aws) throws Exception {
    String table = aws.createTable("pk", "sk");
    dynamoDb.putItem(r -> r.tableName(table).item(Map.of("pk", s("a"), "sk", s("1"), "v", s("x"))));

    Map<String, AttributeValue> item =
        async
            .getItem(r -> r.tableName(table).key(Map.of("pk", s("a"), "sk", s("1"))))
            .get(10, TimeUnit.SECONDS)
            .item();

    assertThat(item).containsEntry("v", s("x"));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }
}
