/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.BlockingPool;
import dev.sqsx.extended.internal.Fanout;
import dev.sqsx.extended.internal.Offloading;
import dev.sqsx.extended.internal.Settings;
import java.util.Objects;
import java.util.concurrent.Executor;
import software.amazon.awssdk.services.sqs.SqsClient;
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
 * A drop-in {@link SqsClient} that offloads large message bodies to a {@link PayloadStore} and
 * sends a pointer instead, wire-compatible with AWS's {@code amazon-sqs-java-extended-client-lib}.
 *
 * <pre>{@code
 * SqsClient sqs = SqsExtendedClient.builder()
 *     .sqsClient(plainSqsClient)
 *     .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket("my-payloads").build())
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li>Send: a message whose body plus attributes exceed the threshold is stored first, then its
 *       pointer is sent; if SQS rejects the send (a 4xx answer, or a failed batch entry) the stored
 *       payload is deleted; if the outcome is unknown (5xx, reset connection, timeout) it is kept,
 *       since the message may have been enqueued.
 *   <li>Receive: pointers are resolved and the original body, attributes and a receipt handle with
 *       the pointer embedded are returned. A message whose payload cannot be resolved is not
 *       returned and not deleted (it is redelivered, and reaches the DLQ); the {@link
 *       PayloadResolutionListener} is told.
 *   <li>Delete: SQS first, then the payload, and in batches only for the entries SQS deleted.
 *   <li>Every other operation is delegated unchanged.
 * </ul>
 *
 * <p>Both extended clients run the same pipeline ({@code SendPipeline}, {@code ReceivePipeline});
 * this one runs it with the blocking SQS client and store methods, on the caller's thread except
 * for a call's second and later payload operations, which may run side by side on the {@link
 * Builder#payloadExecutor} (AWS's library reads the payloads of a receive one after another). It
 * behaves exactly as {@link SqsExtendedAsyncClient}, and throws what the asynchronous client's
 * future would fail with.
 *
 * <p>Thread-safe, and re-entrant: a {@link PayloadResolutionListener} or {@link AttributeInjector}
 * may call this client again from inside a call; the nested call runs its own payload operations.
 * {@link #close()} does not close the wrapped client nor the store's clients: their owner closes
 * them.
 */
public final class SqsExtendedClient extends ForwardingSqsClient {

  /** The default {@link Builder#payloadExecutor}: up to 32 daemon threads, shared. */
  private static final Executor DEFAULT_PAYLOAD_EXECUTOR =
      BlockingPool.create("sqsx-extended-payloads", 32);

  private final SendPipeline sends;
  private final ReceivePipeline receives;
  private final Fanout fanout;

  private SqsExtendedClient(SqsClient sqs, Settings settings, Executor payloadExecutor) {
    super(sqs);
    this.fanout = new Fanout(payloadExecutor);
    SqsPort port = new BlockingSqsPort(sqs, settings.store(), fanout);
    Offloading rules = new Offloading(settings);
    this.sends = new SendPipeline(port, rules, settings.injector());
    this.receives = new ReceivePipeline(port, rules);
  }

  /** A builder; {@code sqsClient} and {@code payloadStore} are required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public SendMessageResponse sendMessage(SendMessageRequest request) {
    return fanout.join(() -> sends.sendMessage(request), "sendMessage");
  }

  @Override
  public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
    return fanout.join(() -> sends.sendMessageBatch(request), "sendMessageBatch");
  }

  @Override
  public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
    return fanout.join(() -> receives.receiveMessage(request), "receiveMessage");
  }

  @Override
  public DeleteMessageResponse deleteMessage(DeleteMessageRequest request) {
    return fanout.join(() -> receives.deleteMessage(request), "deleteMessage");
  }

  @Override
  public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
    return fanout.join(() -> receives.deleteMessageBatch(request), "deleteMessageBatch");
  }

  @Override
  public ChangeMessageVisibilityResponse changeMessageVisibility(
      ChangeMessageVisibilityRequest request) {
    return delegate.changeMessageVisibility(Offloading.unwrapped(request));
  }

  @Override
  public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(
      ChangeMessageVisibilityBatchRequest request) {
    return delegate.changeMessageVisibilityBatch(Offloading.unwrapped(request));
  }

  /** Does nothing: the wrapped client and the store's clients belong to the caller. */
  @Override
  public void close() {}

  /** Builds a {@link SqsExtendedClient}; not thread-safe. */
  public static final class Builder extends ExtendedClientBuilder<Builder> {
    private SqsClient sqsClient;
    private Executor payloadExecutor = DEFAULT_PAYLOAD_EXECUTOR;

    private Builder() {}

    /** The client every call goes through (not closed by the extended client). Required. */
    public Builder sqsClient(SqsClient sqsClient) {
      this.sqsClient = sqsClient;
      return this;
    }

    /**
     * Where a call's second and later payload operations run beside the caller's thread: the
     * payloads of a receive of several offloaded messages are read side by side (those up to 1 MiB
     * as the store counts them, whatever the sender's size marker says: larger ones are read one at
     * a time, so their bytes are not held at once; see {@link PayloadStore#readUtf8IfAtMost}),
     * those of a batch delete deleted side by side, a batch's offloaded entries stored side by
     * side. The first always runs on the caller's thread, and the caller runs any the executor has
     * not started, so a busy executor slows nothing down. Default: a shared pool of up to 32 daemon
     * threads; not shut down by the client.
     */
    public Builder payloadExecutor(Executor payloadExecutor) {
      this.payloadExecutor = Objects.requireNonNull(payloadExecutor, "payloadExecutor");
      return this;
    }

    /**
     * Validates the options and builds the client.
     *
     * @throws IllegalArgumentException naming the option and the rule when one is invalid
     */
    public SqsExtendedClient build() {
      Objects.requireNonNull(sqsClient, "sqsClient cannot be null");
      return new SqsExtendedClient(sqsClient, settings(), payloadExecutor);
    }
  }
}
