/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.Futures;
import dev.sqsx.extended.internal.Offloading;
import dev.sqsx.extended.internal.Settings;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.batchmanager.SqsAsyncBatchManager;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * A drop-in {@link SqsAsyncClient} that offloads large message bodies to a {@link PayloadStore} and
 * sends a pointer instead, wire-compatible with AWS's {@code amazon-sqs-java-extended-client-lib}.
 * It behaves exactly as {@link SqsExtendedClient} (see there), asynchronously: pointers of one
 * receive are resolved in parallel, no method blocks the calling thread, and every failure is a
 * failed future, never a thrown exception.
 *
 * <pre>{@code
 * SqsAsyncClient sqs = SqsExtendedAsyncClient.builder()
 *     .sqsClient(plainSqsAsyncClient)
 *     .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3).bucket("my-payloads").build())
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} does not close the wrapped client nor the store's clients; it
 * stops only what this client created (the scheduler of {@link #batchManager()}).
 */
public final class SqsExtendedAsyncClient extends ForwardingSqsAsyncClient {

  private final SendPipeline sends;
  private final ReceivePipeline receives;
  private final Object batchManagerLock = new Object();
  private SqsAsyncBatchManager batchManager;
  private ScheduledExecutorService batchScheduler;

  private SqsExtendedAsyncClient(SqsAsyncClient sqs, Settings settings) {
    super(sqs);
    SqsPort port = new AsyncSqsPort(sqs, settings.store());
    Offloading rules = new Offloading(settings);
    this.sends = new SendPipeline(port, rules, settings.injector());
    this.receives = new ReceivePipeline(port, rules);
  }

  /** A builder; {@code sqsClient} and {@code payloadStore} are required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest request) {
    return sends.sendMessage(request);
  }

  @Override
  public CompletableFuture<SendMessageBatchResponse> sendMessageBatch(
      SendMessageBatchRequest request) {
    return sends.sendMessageBatch(request);
  }

  @Override
  public CompletableFuture<ReceiveMessageResponse> receiveMessage(ReceiveMessageRequest request) {
    return receives.receiveMessage(request);
  }

  @Override
  public CompletableFuture<DeleteMessageResponse> deleteMessage(DeleteMessageRequest request) {
    return receives.deleteMessage(request);
  }

  @Override
  public CompletableFuture<DeleteMessageBatchResponse> deleteMessageBatch(
      DeleteMessageBatchRequest request) {
    return receives.deleteMessageBatch(request);
  }

  @Override
  public CompletableFuture<ChangeMessageVisibilityResponse> changeMessageVisibility(
      ChangeMessageVisibilityRequest request) {
    return Futures.guarded(() -> delegate.changeMessageVisibility(Offloading.unwrapped(request)));
  }

  @Override
  public CompletableFuture<ChangeMessageVisibilityBatchResponse> changeMessageVisibilityBatch(
      ChangeMessageVisibilityBatchRequest request) {
    return Futures.guarded(
        () -> delegate.changeMessageVisibilityBatch(Offloading.unwrapped(request)));
  }

  /**
   * A batch manager whose calls go through this client, so batched sends are offloaded and batched
   * receives resolved. Created once, on first use; stopped by {@link #close()}.
   */
  @Override
  public SqsAsyncBatchManager batchManager() {
    synchronized (batchManagerLock) {
      if (batchManager == null) {
        batchScheduler =
            Executors.newSingleThreadScheduledExecutor(
                task -> {
                  Thread thread = new Thread(task, "sqsx-extended-batch-manager");
                  thread.setDaemon(true);
                  return thread;
                });
        batchManager =
            SqsAsyncBatchManager.builder().client(this).scheduledExecutor(batchScheduler).build();
      }
      return batchManager;
    }
  }

  /**
   * Stops the batch manager this client created, if any. The wrapped client and the store's clients
   * belong to the caller and stay open.
   */
  @Override
  public void close() {
    synchronized (batchManagerLock) {
      if (batchManager != null) {
        batchManager.close();
        batchScheduler.shutdown();
        batchManager = null;
        batchScheduler = null;
      }
    }
  }

  /** Builds a {@link SqsExtendedAsyncClient}; not thread-safe. */
  public static final class Builder extends ExtendedClientBuilder<Builder> {
    private SqsAsyncClient sqsClient;

    private Builder() {}

    /** The client every call goes through (not closed by the extended client). Required. */
    public Builder sqsClient(SqsAsyncClient sqsClient) {
      this.sqsClient = sqsClient;
      return this;
    }

    /**
     * Validates the options and builds the client.
     *
     * @throws IllegalArgumentException naming the option and the rule when one is invalid
     */
    public SqsExtendedAsyncClient build() {
      Objects.requireNonNull(sqsClient, "sqsClient cannot be null");
      return new SqsExtendedAsyncClient(sqsClient, settings());
    }
  }
}
