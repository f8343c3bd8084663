/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import java.util.concurrent.CompletableFuture;
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

/**
 * What the offloading pipeline ({@link SendPipeline}, {@link ReceivePipeline}) needs from SQS and
 * the payload store, as futures. {@link AsyncSqsPort} serves it from an {@code SqsAsyncClient} and
 * the store's asynchronous methods; {@link BlockingSqsPort} from an {@code SqsClient} and the
 * store's blocking methods, completing every future on the caller's thread before it returns — so
 * the pipeline, written once, runs without a thread hop for the synchronous client.
 */
interface SqsPort {

  CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest request);

  CompletableFuture<SendMessageBatchResponse> sendMessageBatch(SendMessageBatchRequest request);

  CompletableFuture<ReceiveMessageResponse> receiveMessage(ReceiveMessageRequest request);

  CompletableFuture<DeleteMessageResponse> deleteMessage(DeleteMessageRequest request);

  CompletableFuture<DeleteMessageBatchResponse> deleteMessageBatch(
      DeleteMessageBatchRequest request);

  CompletableFuture<GetQueueAttributesResponse> getQueueAttributes(
      GetQueueAttributesRequest request);

  /**
   * Stores a payload given as its UTF-8 bytes: under a new key, or under {@code stableKey} when it
   * is not null.
   */
  CompletableFuture<PayloadPointer> store(byte[] utf8, String stableKey);

  /**
   * Reads a payload's UTF-8 bytes; {@code declaredSize} is what the message's marker says (-1: not
   * known), a hint only: the sender wrote it, so nothing that matters (memory held at once) may
   * rest on it alone.
   */
  CompletableFuture<byte[]> read(PayloadPointer pointer, long declaredSize);

  CompletableFuture<Void> delete(PayloadPointer pointer);

  /**
   * Completes after {@code millis}, the pause before another attempt of a send to {@code queueUrl}
   * that failed with {@code lastError}.
   */
  CompletableFuture<Void> pause(String queueUrl, long millis, Throwable lastError);

  /** Attempts of an offloaded send: what the SQS client's own retry strategy allows. */
  int maxAttempts();
}
