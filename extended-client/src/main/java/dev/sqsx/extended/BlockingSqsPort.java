/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.Fanout;
import dev.sqsx.extended.internal.SendAttempts;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;
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
 * {@link SqsPort} on an {@link SqsClient} and the store's blocking methods: SQS calls run on the
 * caller's thread and return a future that is already complete; payload reads of up to 1 MiB,
 * stores and deletes go through a {@link Fanout}, so those of one call (a receive of ten offloaded
 * messages, a batch delete) run side by side, the first on the caller's thread. Larger payloads are
 * read one at a time, through the call's {@linkplain Fanout#oneAtATime() lane}. What is larger is
 * the store's answer ({@link PayloadStore#readUtf8IfAtMost}: the object's content length, the
 * manifest), not the sender's size marker: a marker over 1 MiB sends the read to the lane at once,
 * on the caller's thread, but a smaller one is only a guess, and a read side by side that finds
 * more stops before the payload's body and reads it in the lane. The pipeline runs to its end
 * before the synchronous client's method returns. Pauses sleep on the thread that needs them, as
 * the SDK's own synchronous retries do.
 */
final class BlockingSqsPort implements SqsPort {

  /** The largest payload read side by side with others: 1 MiB, the largest SQS message. */
  static final long SIDE_BY_SIDE_READ_LIMIT = 1_048_576;

  private final SqsClient sqs;
  private final PayloadStore store;
  private final Fanout fanout;
  private final int maxAttempts;

  BlockingSqsPort(SqsClient sqs, PayloadStore store, Fanout fanout) {
    this.sqs = sqs;
    this.store = store;
    this.fanout = fanout;
    this.maxAttempts = SendAttempts.maxAttempts(sqs);
  }

  private static <T> CompletableFuture<T> now(Supplier<T> call) {
    try {
      return CompletableFuture.completedFuture(call.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest request) {
    return now(() -> sqs.sendMessage(request));
  }

  @Override
  public CompletableFuture<SendMessageBatchResponse> sendMessageBatch(
      SendMessageBatchRequest request) {
    return now(() -> sqs.sendMessageBatch(request));
  }

  @Override
  public CompletableFuture<ReceiveMessageResponse> receiveMessage(ReceiveMessageRequest request) {
    return now(() -> sqs.receiveMessage(request));
  }

  @Override
  public CompletableFuture<DeleteMessageResponse> deleteMessage(DeleteMessageRequest request) {
    return now(() -> sqs.deleteMessage(request));
  }

  @Override
  public CompletableFuture<DeleteMessageBatchResponse> deleteMessageBatch(
      DeleteMessageBatchRequest request) {
    return now(() -> sqs.deleteMessageBatch(request));
  }

  @Override
  public CompletableFuture<GetQueueAttributesResponse> getQueueAttributes(
      GetQueueAttributesRequest request) {
    return now(() -> sqs.getQueueAttributes(request));
  }

  @Override
  public CompletableFuture<PayloadPointer> store(byte[] utf8, String stableKey) {
    return fanout.run(() -> store.storeUtf8(utf8, stableKey));
  }

  @Override
  public CompletableFuture<byte[]> read(PayloadPointer pointer, long declaredSize) {
    // One at a time: downloads side by side would hold their bytes at once, beside the strings the
    // receive returns, for no gain where the CPU is the limit.
    Fanout.Lane oneAtATime = fanout.oneAtATime();
    Supplier<byte[]> alone = () -> oneAtATime.run(() -> store.readUtf8(pointer));
    if (declaredSize < 0 || declaredSize > SIDE_BY_SIDE_READ_LIMIT) {
      return now(alone);
    }
    // The marker is the sender's word: the store's own size decides.
    return fanout.run(
        () -> store.readUtf8IfAtMost(pointer, SIDE_BY_SIDE_READ_LIMIT).orElseGet(alone));
  }

  @Override
  public CompletableFuture<Void> delete(PayloadPointer pointer) {
    return fanout.run(
        () -> {
          store.delete(pointer);
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> pause(String queueUrl, long millis, Throwable lastError) {
    try {
      Thread.sleep(millis);
      return CompletableFuture.completedFuture(null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lastError.addSuppressed(e);
      return CompletableFuture.failedFuture(
          new ExtendedClientException(
              "interrupted between attempts of a send to " + queueUrl,
              queueUrl,
              null,
              null,
              lastError));
    }
  }

  @Override
  public int maxAttempts() {
    return maxAttempts;
  }
}
