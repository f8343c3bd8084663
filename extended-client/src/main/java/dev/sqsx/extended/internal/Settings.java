/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import dev.sqsx.extended.AttributeInjector;
import dev.sqsx.extended.Compression;
import dev.sqsx.extended.PayloadResolutionListener;
import dev.sqsx.extended.PayloadStore;
import java.time.Duration;

/**
 * The validated options of an extended client (see {@code ExtendedClientBuilder} for each option's
 * meaning). {@code payloadSizeThreshold} is the fixed threshold, or -1 for {@code auto} (each
 * target queue's {@code MaximumMessageSize}, read again after {@code maximumMessageSizeRefresh}).
 * {@code compression} is null when bodies are not compressed; {@code maxPayloadSize} bounds what a
 * compressed body may decompress to.
 */
public record Settings(
    PayloadStore store,
    boolean payloadSupportEnabled,
    int payloadSizeThreshold,
    boolean alwaysOffload,
    boolean legacyAttributeName,
    boolean cleanupPayload,
    boolean ignorePayloadNotFound,
    boolean snsEnvelopes,
    int batchSizeLimit,
    PayloadResolutionListener listener,
    AttributeInjector injector,
    Duration maximumMessageSizeRefresh,
    Compression compression,
    int compressionMinSize,
    long maxPayloadSize) {

  /** The {@code payloadSizeThreshold} of the {@code auto} threshold. */
  public static final int AUTO = -1;

  /** Whether the threshold is each target queue's own limit. */
  public boolean autoThreshold() {
    return payloadSizeThreshold == AUTO;
  }
}
