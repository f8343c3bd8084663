/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import dev.sqsx.extended.AttributeInjector;
import dev.sqsx.extended.PayloadResolutionListener;
import dev.sqsx.extended.PayloadStore;

/**
 * The validated options of an extended client (see {@code ExtendedClientBuilder} for each option's
 * meaning).
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
    AttributeInjector injector) {}
