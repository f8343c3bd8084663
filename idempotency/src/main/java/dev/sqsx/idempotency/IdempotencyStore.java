/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

/**
 * Where idempotency keys are claimed, completed and released: {@link DynamoDbIdempotencyStore}
 * across processes, {@link InMemoryIdempotencyStore} within one.
 *
 * <p>Implementations are thread-safe. {@code complete}, {@code release} and {@code renew} act only
 * while the caller still holds the key (same owner token and version): a worker whose lease was
 * taken over can neither overwrite nor delete the new holder's record. Infrastructure failures
 * throw {@link IdempotencyException}.
 */
public interface IdempotencyStore {

  /**
   * Claims a key: succeeds when it is absent, in progress with an expired lease, or completed and
   * expired (see {@link IdempotencyRecord#claimable}); a live lease is never taken over. Otherwise
   * reports what holds it, with no second read.
   */
  ClaimResult claim(ClaimRequest request);

  /**
   * Marks a held key completed, with an optional result; the record then counts until its expiry.
   * Repeatable: completing again a key this claim already completed returns true (so a retry after
   * a lost response is not mistaken for fencing).
   *
   * @return false when the caller no longer holds the key (fenced)
   */
  boolean complete(IdempotencyRecord held, String result);

  /**
   * Removes a held key so a retry can claim it at once. Repeatable: releasing a key that is already
   * gone returns true.
   *
   * @return false when another claim holds the key now (fenced)
   */
  boolean release(IdempotencyRecord held);

  /**
   * Extends a held key's lease to {@code leaseUntilMillis}, and the record's expiry with it when
   * the lease would outlast it: a live lease is never taken over, by a claim or by TTL.
   *
   * @return false when the caller no longer holds the key (fenced)
   */
  boolean renew(IdempotencyRecord held, long leaseUntilMillis);
}
