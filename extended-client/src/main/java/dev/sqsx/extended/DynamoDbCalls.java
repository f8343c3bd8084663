/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.Futures;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The DynamoDB calls {@link DynamoDbPayloads} makes, as futures: on an asynchronous client, or on a
 * synchronous one, where each call runs on the caller's thread and returns a completed future (so
 * the same code serves the store's blocking and asynchronous methods).
 */
interface DynamoDbCalls {

  CompletableFuture<QueryResponse> query(QueryRequest request);

  CompletableFuture<GetItemResponse> getItem(GetItemRequest request);

  /** For the sweeper. */
  CompletableFuture<ScanResponse> scan(ScanRequest request);

  CompletableFuture<PutItemResponse> putItem(PutItemRequest request);

  CompletableFuture<DeleteItemResponse> deleteItem(DeleteItemRequest request);

  CompletableFuture<BatchWriteItemResponse> batchWriteItem(BatchWriteItemRequest request);

  /** Completes after {@code millis}: the backoff before retrying unprocessed items. */
  CompletableFuture<Void> pause(long millis);

  static DynamoDbCalls on(DynamoDbAsyncClient dynamoDb) {
    return new DynamoDbCalls() {
      @Override
      public CompletableFuture<QueryResponse> query(QueryRequest request) {
        return Futures.guarded(() -> dynamoDb.query(request));
      }

      @Override
      public CompletableFuture<GetItemResponse> getItem(GetItemRequest request) {
        return Futures.guarded(() -> dynamoDb.getItem(request));
      }

      @Override
      public CompletableFuture<ScanResponse> scan(ScanRequest request) {
        return Futures.guarded(() -> dynamoDb.scan(request));
      }

      @Override
      public CompletableFuture<PutItemResponse> putItem(PutItemRequest request) {
        return Futures.guarded(() -> dynamoDb.putItem(request));
      }

      @Override
      public CompletableFuture<DeleteItemResponse> deleteItem(DeleteItemRequest request) {
        return Futures.guarded(() -> dynamoDb.deleteItem(request));
      }

      @Override
      public CompletableFuture<BatchWriteItemResponse> batchWriteItem(
          BatchWriteItemRequest request) {
        return Futures.guarded(() -> dynamoDb.batchWriteItem(request));
      }

      @Override
      public CompletableFuture<Void> pause(long millis) {
        return CompletableFuture.runAsync(
            () -> {}, CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
      }
    };
  }

  static DynamoDbCalls on(DynamoDbClient dynamoDb) {
    return new DynamoDbCalls() {
      @Override
      public CompletableFuture<QueryResponse> query(QueryRequest request) {
        return now(() -> dynamoDb.query(request));
      }

      @Override
      public CompletableFuture<GetItemResponse> getItem(GetItemRequest request) {
        return now(() -> dynamoDb.getItem(request));
      }

      @Override
      public CompletableFuture<ScanResponse> scan(ScanRequest request) {
        return now(() -> dynamoDb.scan(request));
      }

      @Override
      public CompletableFuture<PutItemResponse> putItem(PutItemRequest request) {
        return now(() -> dynamoDb.putItem(request));
      }

      @Override
      public CompletableFuture<DeleteItemResponse> deleteItem(DeleteItemRequest request) {
        return now(() -> dynamoDb.deleteItem(request));
      }

      @Override
      public CompletableFuture<BatchWriteItemResponse> batchWriteItem(
          BatchWriteItemRequest request) {
        return now(() -> dynamoDb.batchWriteItem(request));
      }

      @Override
      public CompletableFuture<Void> pause(long millis) {
        try {
          Thread.sleep(millis);
          return CompletableFuture.completedFuture(null);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return CompletableFuture.failedFuture(
              new ExtendedClientException("interrupted while retrying a DynamoDB batch write", e));
        }
      }

      private <T> CompletableFuture<T> now(Supplier<T> call) {
        try {
          return CompletableFuture.completedFuture(call.get());
        } catch (RuntimeException e) {
          return CompletableFuture.failedFuture(e);
        }
      }
    };
  }
}
