/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.Futures;
import dev.sqsx.extended.internal.SendAttempts;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/** {@link SqsPort} on an {@link SqsAsyncClient}: nothing blocks, pauses hold no thread. */
final class AsyncSqsPort implements SqsPort {

  private final SqsAsyncClient sqs;
  private final PayloadStore store;
  private final int maxAttempts;

  AsyncSqsPort(SqsAsyncClient sqs, PayloadStore store) {
    this.sqs = sqs;
    this.store = store;
    this.maxAttempts = SendAttempts.maxAttempts(sqs);
  }

  @Override
  public CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest request) {
    return Futures.guarded(() -> sqs.sendMessage(request));
  }

  @Override
  public CompletableFuture<SendMessageBatchResponse> sendMessageBatch(
      SendMessageBatchRequest request) {
    return Futures.guarded(() -> sqs.sendMessageBatch(request));
  }

  @Override
  public CompletableFuture<ReceiveMessageResponse> receiveMessage(ReceiveMessageRequest request) {
    return Futures.guarded(() -> sqs.receiveMessage(request));
  }

  @Override
  public CompletableFuture<DeleteMessageResponse> deleteMessage(DeleteMessageRequest request) {
    return Futures.guarded(() -> sqs.deleteMessage(request));
  }

  @Override
  public CompletableFuture<DeleteMessageBatchResponse> deleteMessageBatch(
      DeleteMessageBatchRequest request) {
    return Futures.guarded(() -> sqs.deleteMessageBatch(request));
  }

  @Override
  public CompletableFuture<GetQueueAttributesResponse> getQueueAttributes(
      GetQueueAttributesRequest request) {
    return Futures.guarded(() -> sqs.getQueueAttributes(request));
  }

  @Override
  public CompletableFuture<PayloadPointer> store(byte[] utf8, String stableKey) {
    return Futures.guarded(() -> store.storeUtf8Async(utf8, stableKey));
  }

  @Override
  public CompletableFuture<byte[]> read(PayloadPointer pointer, long declaredSize) {
    return Futures.guarded(() -> store.readUtf8Async(pointer));
  }

  @Override
  public CompletableFuture<Void> delete(PayloadPointer pointer) {
    return Futures.guarded(() -> store.deleteAsync(pointer));
  }

  @Override
  public CompletableFuture<Void> pause(String queueUrl, long millis, Throwable lastError) {
    return CompletableFuture.runAsync(
        () -> {}, CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
  }

  @Override
  public int maxAttempts() {
    return maxAttempts;
  }
}
