/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the client learned about queues, so it asks SQS once per queue: whether a FIFO queue has
 * content-based deduplication.
 */
public final class QueueTraits {

  private final Map<String, Boolean> contentBasedDeduplication = new ConcurrentHashMap<>();

  /** The cached answer for a queue, if already asked. */
  public Optional<Boolean> contentBasedDeduplication(String queueUrl) {
    return Optional.ofNullable(contentBasedDeduplication.get(queueUrl));
  }

  /** Records the answer for a queue (the attribute value as SQS returned it, or null). */
  public boolean remember(String queueUrl, String attributeValue) {
    boolean enabled = Boolean.parseBoolean(attributeValue);
    contentBasedDeduplication.put(queueUrl, enabled);
    return enabled;
  }
}
