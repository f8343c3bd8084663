/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import dev.sqsx.extended.PayloadStore;

/**
 * The options both SNS extended clients share. A built client never sees later changes to its
 * builder.
 *
 * @param <B> the concrete builder
 */
public abstract class SnsExtendedClientBuilder<B extends SnsExtendedClientBuilder<B>> {

  private PayloadStore payloadStore;
  private int payloadSizeThreshold = SnsOffloading.SNS_MAX_MESSAGE_SIZE;
  private boolean alwaysOffload;
  private boolean legacyAttributeName;

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
   * Offload a message when its UTF-8 body plus attributes exceed this many bytes: 1..262,144 (SNS's
   * limit), default 262,144.
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
   * Write the size attribute as {@code SQSLargePayloadSize} (for subscribers on AWS's 1.x
   * libraries) instead of {@code ExtendedPayloadSize}. Default false.
   */
  public B legacyAttributeName(boolean legacyAttributeName) {
    this.legacyAttributeName = legacyAttributeName;
    return self();
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /** Validates the shared options into the publishing rules. */
  SnsOffloading rules() {
    if (payloadStore == null) {
      throw new IllegalArgumentException("payloadStore must be set: it is where large messages go");
    }
    if (payloadSizeThreshold < 1 || payloadSizeThreshold > SnsOffloading.SNS_MAX_MESSAGE_SIZE) {
      throw new IllegalArgumentException(
          "payloadSizeThreshold must be 1..262144 (the SNS message size limit), was "
              + payloadSizeThreshold);
    }
    return new SnsOffloading(
        payloadStore, payloadSizeThreshold, alwaysOffload, legacyAttributeName);
  }

  static <T> T required(T client, String name) {
    if (client == null) {
      throw new IllegalArgumentException(name + " must be set: it is the client that publishes");
    }
    return client;
  }
}
