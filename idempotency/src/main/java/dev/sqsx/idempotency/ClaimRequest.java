/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

import java.time.Duration;
import java.util.Objects;

/**
 * A worker's request to hold a key.
 *
 * @param key the namespaced idempotency key
 * @param ownerToken the worker's random token for this attempt
 * @param lease how long the worker may hold the key without renewing
 * @param timeToLive how long the record counts from now (a completed key suppresses duplicates for
 *     this long)
 * @param payloadHash SHA-256 of the canonical payload, or null to skip the payload check
 */
public record ClaimRequest(
    String key, String ownerToken, Duration lease, Duration timeToLive, String payloadHash) {

  /** Validates the request. */
  public ClaimRequest {
    Objects.requireNonNull(key, "key cannot be null");
    Objects.requireNonNull(ownerToken, "ownerToken cannot be null");
    Objects.requireNonNull(lease, "lease cannot be null");
    Objects.requireNonNull(timeToLive, "timeToLive cannot be null");
    if (key.isEmpty() || key.length() > 1024) {
      throw new IllegalArgumentException("key must be 1..1024 characters, was " + key.length());
    }
  }
}
