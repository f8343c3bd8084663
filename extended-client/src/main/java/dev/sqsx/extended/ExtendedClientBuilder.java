/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.BodyCodec;
import dev.sqsx.extended.internal.Settings;
import java.time.Duration;

/**
 * The options {@link SqsExtendedClient} and {@link SqsExtendedAsyncClient} share. Not thread-safe;
 * {@code build()} validates every option once.
 *
 * @param <B> the concrete builder
 */
public abstract class ExtendedClientBuilder<B extends ExtendedClientBuilder<B>> {

  /**
   * 262,144 bytes: AWS's extended client's fixed threshold, and what the {@code auto} threshold
   * (the default) assumes for a queue whose {@code MaximumMessageSize} cannot be read.
   */
  public static final int DEFAULT_PAYLOAD_SIZE_THRESHOLD = 262_144;

  /** How long a queue's {@code MaximumMessageSize} is kept by default: 5 minutes. */
  public static final Duration DEFAULT_MAXIMUM_MESSAGE_SIZE_REFRESH = Duration.ofMinutes(5);

  /** The SQS limit for one message and for the sum of a batch's messages: 1,048,576 bytes. */
  public static final int SQS_MAX_MESSAGE_SIZE = 1_048_576;

  private PayloadStore payloadStore;
  private boolean payloadSupportEnabled = true;
  private int payloadSizeThreshold = DEFAULT_PAYLOAD_SIZE_THRESHOLD;
  private boolean autoThreshold = true;
  private Duration maximumMessageSizeRefresh = DEFAULT_MAXIMUM_MESSAGE_SIZE_REFRESH;
  private boolean alwaysOffload;
  private boolean legacyAttributeName;
  private boolean cleanupPayload = true;
  private boolean ignorePayloadNotFound;
  private boolean snsEnvelopes;
  private int batchSizeLimit = SQS_MAX_MESSAGE_SIZE;
  private PayloadResolutionListener resolutionListener = PayloadResolutionListener.logging();
  private AttributeInjector attributeInjector;
  private Compression compression;
  private int compressionMinSize = DEFAULT_COMPRESSION_MIN_SIZE;
  private long maxPayloadSize = S3PayloadStore.DEFAULT_MAX_PAYLOAD_SIZE;

  /**
   * 65,536 bytes: the default {@link #compressionMinSize}. SQS bills a message per 64 KiB chunk, so
   * compressing a smaller body saves no request.
   */
  public static final int DEFAULT_COMPRESSION_MIN_SIZE = 65_536;

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
   * A fixed threshold: offload a message when its UTF-8 body plus attributes (name, data type and
   * value bytes, as SQS counts them) exceed this many bytes, whatever queue it goes to;
   * 1..1,048,576. Without it the threshold is {@link #autoPayloadSizeThreshold() auto}. {@code
   * 262_144} is what AWS's extended client does.
   */
  public B payloadSizeThreshold(int payloadSizeThreshold) {
    this.payloadSizeThreshold = payloadSizeThreshold;
    this.autoThreshold = false;
    return self();
  }

  /**
   * The default threshold, {@code auto}: offload only what the target queue would refuse — a
   * message whose body plus attributes exceed the queue's own {@code MaximumMessageSize}
   * (1,024..1,048,576; queues created before August 2025 may still say 262,144). Every send uses
   * the limit of the queue it goes to (a DLQ at 262,144 beside a source at 1,048,576). The limit is
   * read with {@code GetQueueAttributes} on the first send that needs it (messages up to 1,024
   * bytes never do, nor those over 1,048,576) and kept for {@link #maximumMessageSizeRefresh}; a
   * read that fails (no {@code sqs:GetQueueAttributes} permission, an emulator without the
   * attribute) counts as 262,144 and is logged once per queue. Replaces a fixed threshold set
   * before.
   */
  public B autoPayloadSizeThreshold() {
    this.autoThreshold = true;
    return self();
  }

  /**
   * How long the {@code auto} threshold keeps a queue's {@code MaximumMessageSize} before reading
   * it again (default 5 minutes; a failed read is tried again after the same time). Positive.
   */
  public B maximumMessageSizeRefresh(Duration maximumMessageSizeRefresh) {
    this.maximumMessageSizeRefresh = maximumMessageSizeRefresh;
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
   * until the batch fits. 1..1,048,576 (the SQS limit), default 1,048,576: SQS counts a batch's
   * total against 1,048,576 whatever the queue's {@code MaximumMessageSize}, which limits each
   * entry.
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

  /**
   * Compress message bodies of at least {@link #compressionMinSize} UTF-8 bytes with {@code
   * compression} before the offloading decision (default null: off). The compressed bytes go in
   * base64 with the String attribute {@value Compression#ATTRIBUTE} naming the encoding, both
   * counted by the size rule; a message that fits its threshold then goes inline (no store
   * request), one that does not is offloaded with its compressed bytes stored. A body that would
   * not shrink, or a message with more than 8 attributes (the attribute and a size marker need 2 of
   * SQS's 10), goes as it is. Every sqsx reader decompresses such messages (up to {@link
   * #maxPayloadSize}); <b>AWS's extended clients cannot read them</b>, so turn it on only when
   * every consumer of the queue is sqsx. {@link Compression#ZSTD} needs {@code
   * com.github.luben:zstd-jni} on the class path ({@code build()} fails without it). Batches are
   * compressed entry by entry.
   */
  public B compression(Compression compression) {
    this.compression = compression;
    return self();
  }

  /**
   * The smallest body, in UTF-8 bytes, that {@link #compression} compresses (default {@value
   * #DEFAULT_COMPRESSION_MIN_SIZE}); at least 1.
   */
  public B compressionMinSize(int compressionMinSize) {
    this.compressionMinSize = compressionMinSize;
    return self();
  }

  /**
   * The most bytes a received compressed body may decompress to (default 64 MiB, as the stores'
   * {@code maxPayloadSize}): decompression stops there and the message fails resolution with a
   * {@link PayloadEncodingException} (never retried; a consumer dead-letters it), so a small
   * compressed body cannot expand into gigabytes. 1..2,147,483,639. Applies whether or not this
   * client compresses what it sends.
   */
  public B maxPayloadSize(long maxPayloadSize) {
    this.maxPayloadSize = maxPayloadSize;
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
    if (!autoThreshold) {
      checkSize("payloadSizeThreshold", payloadSizeThreshold);
    }
    checkSize("batchSizeLimit", batchSizeLimit);
    if (maximumMessageSizeRefresh == null
        || maximumMessageSizeRefresh.isNegative()
        || maximumMessageSizeRefresh.isZero()) {
      throw new IllegalArgumentException(
          "maximumMessageSizeRefresh must be positive (how long a queue's MaximumMessageSize is"
              + " kept), was "
              + maximumMessageSizeRefresh);
    }
    if (resolutionListener == null) {
      throw new IllegalArgumentException(
          "resolutionListener cannot be null: use PayloadResolutionListener.logging() for the"
              + " default");
    }
    if (compressionMinSize < 1) {
      throw new IllegalArgumentException(
          "compressionMinSize must be at least 1 (the smallest body compressed, in bytes), was "
              + compressionMinSize);
    }
    if (maxPayloadSize < 1 || maxPayloadSize > S3PayloadStore.MAX_PAYLOAD_SIZE_LIMIT) {
      throw new IllegalArgumentException(
          "maxPayloadSize must be 1.."
              + S3PayloadStore.MAX_PAYLOAD_SIZE_LIMIT
              + " (what a compressed body may decompress to; one Java array), was "
              + maxPayloadSize);
    }
    if (compression != null && !payloadSupportEnabled) {
      throw new IllegalArgumentException(
          "compression needs payload support enabled: with it disabled the client passes messages"
              + " through unchanged");
    }
    if (compression == Compression.ZSTD) {
      BodyCodec.requireZstd();
    }
    return new Settings(
        payloadStore,
        payloadSupportEnabled,
        autoThreshold ? Settings.AUTO : payloadSizeThreshold,
        alwaysOffload,
        legacyAttributeName,
        cleanupPayload,
        ignorePayloadNotFound,
        snsEnvelopes,
        batchSizeLimit,
        resolutionListener,
        attributeInjector,
        maximumMessageSizeRefresh,
        compression,
        compressionMinSize,
        maxPayloadSize);
  }

  private static void checkSize(String name, int value) {
    if (value < 1 || value > SQS_MAX_MESSAGE_SIZE) {
      throw new IllegalArgumentException(
          name + " must be 1..1048576 (the SQS message size limit), was " + value);
    }
  }
}
