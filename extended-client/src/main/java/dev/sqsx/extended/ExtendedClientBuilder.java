/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.Settings;

/**
 * The options {@link SqsExtendedClient} and {@link SqsExtendedAsyncClient} share. Not thread-safe;
 * {@code build()} validates every option once.
 *
 * @param <B> the concrete builder
 */
public abstract class ExtendedClientBuilder<B extends ExtendedClientBuilder<B>> {

  /** The default offloading threshold: 262,144 bytes, AWS's extended client's default. */
  public static final int DEFAULT_PAYLOAD_SIZE_THRESHOLD = 262_144;

  /** The SQS limit for one message and for the sum of a batch's messages: 1,048,576 bytes. */
  public static final int SQS_MAX_MESSAGE_SIZE = 1_048_576;

  private PayloadStore payloadStore;
  private boolean payloadSupportEnabled = true;
  private int payloadSizeThreshold = DEFAULT_PAYLOAD_SIZE_THRESHOLD;
  private boolean alwaysOffload;
  private boolean legacyAttributeName;
  private boolean cleanupPayload = true;
  private boolean ignorePayloadNotFound;
  private boolean snsEnvelopes;
  private int batchSizeLimit = SQS_MAX_MESSAGE_SIZE;
  private PayloadResolutionListener resolutionListener = PayloadResolutionListener.logging();
  private AttributeInjector attributeInjector;

  ExtendedClientBuilder() {}

  /** Where payloads are offloaded to and read from. Required while payload support is enabled. */
  public B payloadStore(PayloadStore payloadStore) {
    this.payloadStore = payloadStore;
    return self();
  }

  /**
   * Whether to offload and resolve at all (default true). When false the client passes every call
   * through unchanged, as AWS's {@code withPayloadSupportDisabled()}.
   */
  public B payloadSupportEnabled(boolean payloadSupportEnabled) {
    this.payloadSupportEnabled = payloadSupportEnabled;
    return self();
  }

  /**
   * Offload a message when its body plus attributes exceed this many bytes: 1..1,048,576, default
   * 262,144.
   */
  public B payloadSizeThreshold(int payloadSizeThreshold) {
    this.payloadSizeThreshold = payloadSizeThreshold;
    return self();
  }

  /** Offload every message, whatever its size (AWS's {@code alwaysThroughS3}). Default false. */
  public B alwaysOffload(boolean alwaysOffload) {
    this.alwaysOffload = alwaysOffload;
    return self();
  }

  /**
   * Write the marker attribute under its legacy name {@code SQSLargePayloadSize}, for consumers
   * that read only that name (old AWS libraries). Default false: {@code ExtendedPayloadSize}. Both
   * names are always read.
   */
  public B legacyAttributeName(boolean legacyAttributeName) {
    this.legacyAttributeName = legacyAttributeName;
    return self();
  }

  /** Delete a message's payload when the message is deleted (default true, as AWS's library). */
  public B cleanupPayload(boolean cleanupPayload) {
    this.cleanupPayload = cleanupPayload;
    return self();
  }

  /**
   * AWS's compatibility option: a received message whose payload object is missing is deleted from
   * the queue (and reported) instead of being left for redelivery. Applies to a missing payload
   * only, never to a malformed or foreign pointer. Default false.
   */
  public B ignorePayloadNotFound(boolean ignorePayloadNotFound) {
    this.ignorePayloadNotFound = ignorePayloadNotFound;
    return self();
  }

  /**
   * Unwrap SNS envelopes (default false): a received message whose body is an SNS notification (a
   * queue subscribed to a topic without raw message delivery) is handed out as its publisher sent
   * it — the published body and message attributes, a pointer inside resolved — with the topic ARN
   * and SNS message id as the system-attribute strings {@link SnsNotification#TOPIC_ARN} and {@link
   * SnsNotification#MESSAGE_ID}. A payload that came through SNS is never deleted by this client
   * (other subscriptions read it too; the bucket's lifecycle rule or the table's TTL removes it).
   * An envelope that cannot be unwrapped (not a {@code Notification}, an unknown attribute type) is
   * reported like an unresolvable payload ({@link SnsEnvelopeException}) and left in the queue.
   */
  public B snsEnvelopes(boolean snsEnvelopes) {
    this.snsEnvelopes = snsEnvelopes;
    return self();
  }

  /**
   * The most bytes a whole {@code sendMessageBatch} may carry; the largest entries are offloaded
   * until the batch fits. 1..1,048,576 (the SQS limit), default 1,048,576.
   */
  public B batchSizeLimit(int batchSizeLimit) {
    this.batchSizeLimit = batchSizeLimit;
    return self();
  }

  /** Told about each received message whose payload cannot be resolved. Default: a WARN log. */
  public B resolutionListener(PayloadResolutionListener resolutionListener) {
    this.resolutionListener = resolutionListener;
    return self();
  }

  /**
   * Adds attributes to each message sent (each batch entry on its own) — trace context, typically:
   * {@code SqsxTracing} from {@code sqsx-tracing}. Applied before the offloading decision; see
   * {@link AttributeInjector} for the rules (names present kept, the 10-attribute limit with the
   * size marker counted). Works with payload support disabled too. Default: none.
   */
  public B attributeInjector(AttributeInjector attributeInjector) {
    this.attributeInjector = attributeInjector;
    return self();
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /** Validates the shared options; called by the concrete builders' {@code build()}. */
  Settings settings() {
    if (payloadSupportEnabled && payloadStore == null) {
      throw new IllegalArgumentException(
          "payloadStore must be set while payload support is enabled: it is where large payloads"
              + " go");
    }
    checkSize("payloadSizeThreshold", payloadSizeThreshold);
    checkSize("batchSizeLimit", batchSizeLimit);
    if (resolutionListener == null) {
      throw new IllegalArgumentException(
          "resolutionListener cannot be null: use PayloadResolutionListener.logging() for the"
              + " default");
    }
    return new Settings(
        payloadStore,
        payloadSupportEnabled,
        payloadSizeThreshold,
        alwaysOffload,
        legacyAttributeName,
        cleanupPayload,
        ignorePayloadNotFound,
        snsEnvelopes,
        batchSizeLimit,
        resolutionListener,
        attributeInjector);
  }

  private static void checkSize(String name, int value) {
    if (value < 1 || value > SQS_MAX_MESSAGE_SIZE) {
      throw new IllegalArgumentException(
          name + " must be 1..1048576 (the SQS message size limit), was " + value);
    }
  }
}
