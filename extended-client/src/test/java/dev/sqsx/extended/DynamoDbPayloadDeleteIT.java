/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;

/**
 * A DynamoDB payload delete removes exactly the items the payload's manifest names: in a table
 * shared with other applications, nothing else under the pointer's partition key.
 */
@LocalAws
class DynamoDbPayloadDeleteIT {

  private DynamoDbClient dynamoDb;
  private DynamoDbAsyncClient dynamoDbAsync;
  private String table;

  @BeforeEach
  void createTable(DynamoDbClient dynamoDb, DynamoDbAsyncClient dynamoDbAsync, AwsResources aws) {
    this.dynamoDb = dynamoDb;
    this.dynamoDbAsync = dynamoDbAsync;
    this.table = aws.createTable("pk", "sk");
  }

  @ParameterizedTest(name = "async {0}")
  @ValueSource(booleans = {false, true})
  void delete_removesTheManifestAndTheChunksItNames_andNoOtherItemOfThePartition(boolean async) {
    DynamoDbPayloadStore store =
        DynamoDbPayloadStore.builder()
            .dynamoDbClient(dynamoDb)
            .table(table)
            .chunkSize(1024)
            .build();
    PayloadPointer pointer = store.store("x".repeat(3000));
    putItem(pointer.key(), "profile");
    putItem(pointer.key(), "chunk#00003");
    assertThat(sortKeys(pointer.key()))
        .containsExactly(
            "chunk#00000", "chunk#00001", "chunk#00002", "chunk#00003", "manifest", "profile");

    delete(pointer, async);

    assertThat(sortKeys(pointer.key()))
        .as("another application's items under the payload's partition key")
        .containsExactly("chunk#00003", "profile");
    delete(pointer, async);
    assertThat(sortKeys(pointer.key()))
        .as("deleting it again succeeds and deletes nothing more")
        .containsExactly("chunk#00003", "profile");
  }

  @ParameterizedTest(name = "async {0}")
  @ValueSource(booleans = {false, true})
  void delete_ofAPartitionWithoutAManifest_deletesNothing_andSucceeds(boolean async) {
    putItem("customer-42", "profile");
    putItem("customer-42", "chunk#00000");

    delete(PayloadPointer.dynamoDb(table, "customer-42"), async);

    assertThat(sortKeys("customer-42"))
        .as("another application's data: no manifest proves any of it is a payload")
        .containsExactly("chunk#00000", "profile");
  }

  @ParameterizedTest(name = "async {0}")
  @ValueSource(booleans = {false, true})
  void delete_whenTheItemAtManifestIsNotAPayloadManifest_isRefused_andDeletesNothing(
      boolean async) {
    putItem("customer-43", "manifest");
    putItem("customer-43", "chunk#00000");
    PayloadPointer pointer = PayloadPointer.dynamoDb(table, "customer-43");

    assertThatThrownBy(() -> delete(pointer, async))
        .isInstanceOf(PayloadNotAllowedException.class)
        .hasMessageStartingWith(
            "cannot delete from DynamoDB: the item at sort key 'manifest' is not an sqsx payload"
                + " manifest (no valid 'chunks'), so nothing under the key is known to be the"
                + " payload's; nothing was deleted");

    assertThat(sortKeys("customer-43")).containsExactly("chunk#00000", "manifest");
  }

  @Test
  void delete_whoseManifestIsGoneWhenItIsDeleted_succeeds_andStillDeletesTheChunksItNamed(
      AwsEndpoints endpoints) {
    DynamoDbPayloadStore store =
        DynamoDbPayloadStore.builder()
            .dynamoDbClient(dynamoDb)
            .table(table)
            .chunkSize(1024)
            .build();
    PayloadPointer pointer = store.store("y".repeat(2000));
    AtomicBoolean raced = new AtomicBoolean();
    ExecutionInterceptor otherDeleteFirst =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof DeleteItemRequest && !raced.getAndSet(true)) {
              dynamoDb.deleteItem(
                  r ->
                      r.tableName(table)
                          .key(
                              Map.of(
                                  "pk", AttributeValue.fromS(pointer.key()),
                                  "sk", AttributeValue.fromS("manifest"))));
            }
          }
        };
    try (DynamoDbClient racing =
        endpoints
            .configure(DynamoDbClient.builder(), endpoints.dynamoDbEndpoint())
            .overrideConfiguration(c -> c.addExecutionInterceptor(otherDeleteFirst))
            .build()) {

      DynamoDbPayloadStore.builder().dynamoDbClient(racing).table(table).build().delete(pointer);

      assertThat(raced).isTrue();
      assertThat(sortKeys(pointer.key()))
          .as(
              "the manifest read first proved the chunks the payload's (another delete took it,"
                  + " or an SDK retry after a lost response finds its own delete)")
          .isEmpty();
    }
  }

  /** Deletes through the store's blocking or asynchronous method; throws what either fails with. */
  private void delete(PayloadPointer pointer, boolean async) {
    if (async) {
      DynamoDbPayloadStore store =
          DynamoDbPayloadStore.builder().dynamoDbAsyncClient(dynamoDbAsync).table(table).build();
      try {
        store.deleteAsync(pointer).join();
      } catch (java.util.concurrent.CompletionException e) {
        throw (RuntimeException) e.getCause();
      }
    } else {
      DynamoDbPayloadStore.builder().dynamoDbClient(dynamoDb).table(table).build().delete(pointer);
    }
  }

  /** An item of another application: its own attributes, no TTL, no sqsx layout. */
  private void putItem(String partitionKey, String sortKey) {
    dynamoDb.putItem(
        r ->
            r.tableName(table)
                .item(
                    Map.of(
                        "pk", AttributeValue.fromS(partitionKey),
                        "sk", AttributeValue.fromS(sortKey),
                        "owner", AttributeValue.fromS("billing"))));
  }

  private List<String> sortKeys(String partitionKey) {
    List<String> sortKeys = new ArrayList<>();
    dynamoDb
        .queryPaginator(
            r ->
                r.tableName(table)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partitionKey)))
                    .consistentRead(true))
        .items()
        .forEach(item -> sortKeys.add(item.get("sk").s()));
    return sortKeys;
  }
}
