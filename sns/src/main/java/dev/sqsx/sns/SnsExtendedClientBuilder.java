/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import dev.sqsx.extended.Compression;
import dev.sqsx.extended.ExtendedClientBuilder;
import dev.sqsx.extended.ExtendedMessages;
import dev.sqsx.extended.PayloadStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The options both SNS extended clients share. A built client never sees later changes to its
 * builder.
 *
 * @param <B> the concrete builder
 */
public abstract class SnsExtendedClientBuilder<B extends SnsExtendedClientBuilder<B>> {

  private PayloadStore payloadStore;
  private int payloadSizeThreshold = SnsOffloading.SNS_MAX_MESSAGE_SIZE;
  private boolean autoThreshold = true;
  private Duration maximumMessageSizeRefresh = Duration.ofMinutes(5);
  private boolean alwaysOffload;
  private boolean legacyAttributeName;
  private Compression compression;
  private int compressionMinSize = ExtendedClientBuilder.DEFAULT_COMPRESSION_MIN_SIZE;

  SnsExtendedClientBuilder() {}

  /**
   * Where large messages go (required): an {@code S3PayloadStore} for pointers every AWS library
   * reads, or a {@code DynamoDbPayloadStore} for sqsx subscribers. Its allow-list does not matter
   * to a publisher; subscribers apply theirs.
   */
  public B payloadStore(PayloadStore payloadStore) {
    this.payloadStore = payloadStore;
    return self();
  }

  /**
   * A fixed threshold: offload a message when its UTF-8 body plus attributes exceed this many
   * bytes, whatever topic it goes to: 1..1,048,576 (the largest {@code MaximumMessageSize} a topic
   * can have; a topic accepts 262,144 unless raised). Without it the threshold is {@link
   * #autoPayloadSizeThreshold() auto}; {@code 262_144} is what AWS's SNS extended client does.
   */
  public B payloadSizeThreshold(int payloadSizeThreshold) {
    this.payloadSizeThreshold = payloadSizeThreshold;
    this.autoThreshold = false;
    return self();
  }

  /**
   * The default threshold, {@code auto}: offload only what the topic would refuse — a message whose
   * body plus attributes exceed the topic's own {@code MaximumMessageSize} (262,144 unless raised;
   * up to 1,048,576), read with {@code GetTopicAttributes} on the first publish that needs it and
   * kept for {@link #maximumMessageSizeRefresh}. A batch is planned against the same limit (SNS
   * counts a batch's total against it). A read that fails (no {@code sns:GetTopicAttributes}
   * permission) counts as 262,144 and is logged once per topic; a publish to a target that is not a
   * topic counts 262,144. Replaces a fixed threshold set before.
   */
  public B autoPayloadSizeThreshold() {
    this.autoThreshold = true;
    return self();
  }

  /**
   * How long the {@code auto} threshold keeps a topic's {@code MaximumMessageSize} before reading
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
   * Write the size attribute as {@code SQSLargePayloadSize} (for subscribers on AWS's 1.x
   * libraries) instead of {@code ExtendedPayloadSize}. Default false.
   */
  public B legacyAttributeName(boolean legacyAttributeName) {
    this.legacyAttributeName = legacyAttributeName;
    return self();
  }

  /**
   * Compress messages of at least {@link #compressionMinSize} UTF-8 bytes with {@code compression}
   * before the offloading decision, as the extended SQS clients do (default null: off): the
   * compressed bytes in base64 with the String attribute {@value Compression#ATTRIBUTE} naming the
   * encoding, published inline when they fit the threshold, else stored compressed. Subscribers
   * must be sqsx (the extended SQS clients, the consumer runtime, sqsx-lambda) — <b>AWS's extended
   * clients cannot read these messages</b>, and the queues need raw message delivery or {@code
   * snsEnvelopes} to see the attribute. Not applied to a {@code json} message structure or a
   * message with more than 8 attributes. {@link Compression#ZSTD} needs {@code
   * com.github.luben:zstd-jni} on the class path.
   */
  public B compression(Compression compression) {
    this.compression = compression;
    return self();
  }

  /**
   * The smallest message, in UTF-8 bytes, that {@link #compression} compresses (default 65,536); at
   * least 1.
   */
  public B compressionMinSize(int compressionMinSize) {
    this.compressionMinSize = compressionMinSize;
    return self();
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /**
   * Validates the shared options into the publishing rules; {@code readLimit} reads a topic's
   * {@code MaximumMessageSize} through the client being built.
   */
  SnsOffloading rules(Function<String, CompletableFuture<String>> readLimit) {
    if (payloadStore == null) {
      throw new IllegalArgumentException("payloadStore must be set: it is where large messages go");
    }
    if (!autoThreshold
        && (payloadSizeThreshold < 1
            || payloadSizeThreshold > SnsOffloading.SNS_LARGEST_MESSAGE_SIZE)) {
      throw new IllegalArgumentException(
          "payloadSizeThreshold must be 1..1048576 (the largest SNS message size limit), was "
              + payloadSizeThreshold);
    }
    if (maximumMessageSizeRefresh == null
        || maximumMessageSizeRefresh.isNegative()
        || maximumMessageSizeRefresh.isZero()) {
      throw new IllegalArgumentException(
          "maximumMessageSizeRefresh must be positive (how long a topic's MaximumMessageSize is"
              + " kept), was "
              + maximumMessageSizeRefresh);
    }
    if (compressionMinSize < 1) {
      throw new IllegalArgumentException(
          "compressionMinSize must be at least 1 (the smallest message compressed, in bytes), was "
              + compressionMinSize);
    }
    if (compression != null) {
      ExtendedMessages.requireAvailable(compression);
    }
    return new SnsOffloading(
        payloadStore,
        autoThreshold ? SnsOffloading.AUTO : payloadSizeThreshold,
        alwaysOffload,
        legacyAttributeName,
        maximumMessageSizeRefresh,
        readLimit,
        compression,
        compressionMinSize);
  }

  static <T> T required(T client, String name) {
    if (client == null) {
      throw new IllegalArgumentException(name + " must be set: it is the client that publishes");
    }
    return client;
  }
}
