/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Creates the payload table: key schema, on-demand billing, TTL where the endpoint has it. */
public final class DynamoDbTables {

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbTables.class);

  private DynamoDbTables() {}

  /**
   * Creates {@code table} with the payload items' key schema, waits until it is active, and turns
   * TTL on; returns whether TTL is on (false, with a warning, where the endpoint cannot).
   */
  public static boolean createPayloadTable(DynamoDbClient dynamoDb, String table) {
    dynamoDb.createTable(
        r ->
            r.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                    stringAttribute(DynamoDbItems.PARTITION_KEY),
                    stringAttribute(DynamoDbItems.SORT_KEY))
                .keySchema(
                    KeySchemaElement.builder()
                        .attributeName(DynamoDbItems.PARTITION_KEY)
                        .keyType(KeyType.HASH)
                        .build(),
                    KeySchemaElement.builder()
                        .attributeName(DynamoDbItems.SORT_KEY)
                        .keyType(KeyType.RANGE)
                        .build()));
    // The SDK's default waiter polls every 20 s; a table is usually active much sooner.
    dynamoDb
        .waiter()
        .waitUntilTableExists(
            r -> r.tableName(table),
            w ->
                w.backoffStrategyV2(
                        BackoffStrategy.exponentialDelayWithoutJitter(
                            Duration.ofMillis(50), Duration.ofSeconds(5)))
                    .maxAttempts(100)
                    .waitTimeout(Duration.ofMinutes(5)));
    return enableTimeToLive(dynamoDb, table, DynamoDbItems.TTL);
  }

  /**
   * Turns TTL on; where the endpoint cannot (a compatible store without {@code UpdateTimeToLive},
   * such as dynalite) logs a warning that says to enable it by hand, and returns false.
   */
  private static boolean enableTimeToLive(DynamoDbClient dynamoDb, String table, String attribute) {
    try {
      dynamoDb.updateTimeToLive(
          r ->
              r.tableName(table)
                  .timeToLiveSpecification(t -> t.enabled(true).attributeName(attribute)));
      return true;
    } catch (DynamoDbException e) {
      LOG.warn(
          "TTL could not be enabled on table {} ({}): enable it by hand on attribute '{}',"
              + " or expired items stay in the table",
          table,
          e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorCode(),
          attribute);
      return false;
    }
  }

  private static AttributeDefinition stringAttribute(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }
}
