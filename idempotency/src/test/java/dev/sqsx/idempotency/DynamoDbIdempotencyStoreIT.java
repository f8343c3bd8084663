/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.EndpointFeature;
import dev.sqsx.testing.LocalAws;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** The store contract against the DynamoDB endpoint, plus the table layout. */
@LocalAws
class DynamoDbIdempotencyStoreIT extends IdempotencyStoreContract {

  private DynamoDbClient dynamoDb;
  private String table;
  private IdempotencyStore store;
  private boolean ttlEnabled;
  private boolean endpointHasTtl;

  @BeforeEach
  void createTable(DynamoDbClient dynamoDb, AwsEndpoints endpoints, AwsResources aws) {
    this.dynamoDb = dynamoDb;
    this.table = aws.uniqueName("idempotency");
    this.ttlEnabled = DynamoDbIdempotencyStore.createTable(dynamoDb, table);
    this.endpointHasTtl = endpoints.supports(EndpointFeature.DYNAMODB_TIME_TO_LIVE);
    this.store = DynamoDbIdempotencyStore.create(dynamoDb, table, clock);
  }

  @AfterEach
  void deleteTable() {
    dynamoDb.deleteTable(r -> r.tableName(table));
  }

  @Override
  IdempotencyStore store() {
    return store;
  }

  @Test
  void record_usesOneTimeUnitPerAttribute_andTtlIsEnabledWhereTheEndpointCan() {
    String key = key();
    IdempotencyRecord held = store.claim(claim(key, "h")).record();

    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                r ->
                    r.tableName(table)
                        .key(Map.of("id", AttributeValue.fromS(key)))
                        .consistentRead(true))
            .item();

    long leaseUntil = Long.parseLong(item.get("leaseUntil").n());
    long expiresAt = Long.parseLong(item.get("expiresAt").n());
    assertThat(leaseUntil)
        .as("epoch millis")
        .isEqualTo(held.leaseUntilMillis())
        .isGreaterThan(clock.millis());
    assertThat(expiresAt)
        .as("epoch seconds")
        .isBetween(clock.millis() / 1000 + 3590, clock.millis() / 1000 + 3601);
    assertThat(item.get("status").s()).isEqualTo("IN_PROGRESS");
    assertThat(item.get("version").n()).isEqualTo("1");
    assertThat(ttlEnabled).as("createTable's answer").isEqualTo(endpointHasTtl);
    assertThat(
            dynamoDb
                .describeTimeToLive(r -> r.tableName(table))
                .timeToLiveDescription()
                .timeToLiveStatus())
        .isEqualTo(ttlEnabled ? TimeToLiveStatus.ENABLED : TimeToLiveStatus.DISABLED);
  }
}
