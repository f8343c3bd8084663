/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

import java.util.Optional;

/**
 * One key's record in an {@link IdempotencyStore}.
 *
 * <p>Time units, one per attribute: {@code leaseUntilMillis} is epoch milliseconds (leases are
 * short); {@code expiresAtEpochSeconds} is epoch seconds (DynamoDB's TTL unit).
 *
 * @param key the namespaced idempotency key
 * @param status {@code IN_PROGRESS} while a worker holds it, {@code COMPLETED} after
 * @param ownerToken the holder's random token (conditions complete, release and renew)
 * @param version the fencing token: incremented on every claim, so a takeover is visible
 * @param leaseUntilMillis when an {@code IN_PROGRESS} holder's lease ends
 * @param expiresAtEpochSeconds when the record stops counting (TTL), checked on read too
 * @param payloadHash SHA-256 of the canonical payload, or null when not checked
 * @param result the stored result of a completed handler, or null
 */
public record IdempotencyRecord(
    String key,
    Status status,
    String ownerToken,
    long version,
    long leaseUntilMillis,
    long expiresAtEpochSeconds,
    String payloadHash,
    String result) {

  /** Where a key stands. */
  public enum Status {
    /** A worker holds the key and is applying the side effect. */
    IN_PROGRESS,
    /** The side effect was applied. */
    COMPLETED
  }

  /** The stored result, when the handler returned one. */
  public Optional<String> storedResult() {
    return Optional.ofNullable(result);
  }

  /**
   * Whether the record no longer counts at {@code nowMillis} (expired, even if not yet deleted).
   */
  public boolean expired(long nowMillis) {
    return expiresAtEpochSeconds * 1000 <= nowMillis;
  }

  /**
   * Whether a new claim may take this record at {@code nowMillis}: an in-progress record when its
   * lease has run out (a live lease is never taken over, whatever the record's expiry), a completed
   * one when it has expired.
   */
  public boolean claimable(long nowMillis) {
    return status == Status.IN_PROGRESS ? leaseExpired(nowMillis) : expired(nowMillis);
  }

  /**
   * The expiry a renewal to {@code leaseUntilMillis} must give the record: never before the end of
   * the lease, so neither a claim nor DynamoDB's TTL can remove a record whose lease is live.
   */
  public long expiryForLeaseUntil(long leaseUntilMillis) {
    return Math.max(expiresAtEpochSeconds, Math.floorDiv(leaseUntilMillis, 1000) + 1);
  }

  /** Whether an in-progress holder's lease has run out at {@code nowMillis}. */
  public boolean leaseExpired(long nowMillis) {
    return status == Status.IN_PROGRESS && leaseUntilMillis <= nowMillis;
  }
}
