/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.MessageObserver;
import dev.sqsx.consumer.MessageObserver.Observation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * The calls a consumer makes, served by a synchronous {@link SqsClient}: each runs on a thread of
 * the consumer's I/O pool (a long poll blocks one of its threads, as a hand-written loop's receive
 * blocks its own) and completes the returned future there. Every other operation is unsupported.
 * The client is the caller's (never closed here); the pool is the consumer's.
 */
public final class BlockingSqs implements SqsAsyncClient {

  private final SqsClient sqs;
  private final ExecutorService io;

  public BlockingSqs(SqsClient sqs, ExecutorService io) {
    this.sqs = sqs;
    this.io = io;
  }

  private <T> CompletableFuture<T> call(Supplier<T> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    // the caller's observation (a dead letter's send runs with its message's span current) goes
    // along to the I/O thread, so an instrumented client's span of the call is the span's child
    Observation observation = Observing.current();
    try {
      io.execute(
          () -> {
            T value;
            MessageObserver.Scope scope = Observing.open(observation, "an I/O thread");
            try {
              value = call.get();
            } catch (RuntimeException | Error e) {
              result.completeExceptionally(e);
              return;
            } finally {
              Observing.close(scope, "an I/O thread");
            }
            result.complete(value);
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  @Override
  public CompletableFuture<ReceiveMessageResponse> receiveMessage(ReceiveMessageRequest request) {
    return call(() -> sqs.receiveMessage(request));
  }

  @Override
  public CompletableFuture<DeleteMessageBatchResponse> deleteMessageBatch(
      DeleteMessageBatchRequest request) {
    return call(() -> sqs.deleteMessageBatch(request));
  }

  @Override
  public CompletableFuture<DeleteMessageResponse> deleteMessage(DeleteMessageRequest request) {
    return call(() -> sqs.deleteMessage(request));
  }

  @Override
  public CompletableFuture<ChangeMessageVisibilityBatchResponse> changeMessageVisibilityBatch(
      ChangeMessageVisibilityBatchRequest request) {
    return call(() -> sqs.changeMessageVisibilityBatch(request));
  }

  @Override
  public CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest request) {
    return call(() -> sqs.sendMessage(request));
  }

  @Override
  public CompletableFuture<GetQueueAttributesResponse> getQueueAttributes(
      GetQueueAttributesRequest request) {
    return call(() -> sqs.getQueueAttributes(request));
  }

  @Override
  public CompletableFuture<GetQueueUrlResponse> getQueueUrl(GetQueueUrlRequest request) {
    return call(() -> sqs.getQueueUrl(request));
  }

  @Override
  public String serviceName() {
    return sqs.serviceName();
  }

  /** Does nothing: the client is the caller's, the pool the consumer's. */
  @Override
  public void close() {}
}
