/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

import dev.sqsx.idempotency.IdempotencyRecord.Status;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link IdempotencyStore} in this process's memory: the same semantics as the DynamoDB store,
 * for tests and single-process runs. Expired records are ignored on read and dropped on the next
 * claim of their key. Thread-safe.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

  private final Map<String, IdempotencyRecord> records = new ConcurrentHashMap<>();
  private final Clock clock;

  /** A store on the system clock. */
  public InMemoryIdempotencyStore() {
    this(Clock.systemUTC());
  }

  /** A store on the given clock (for tests of leases and expiry). */
  public InMemoryIdempotencyStore(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock cannot be null");
  }

  @Override
  public ClaimResult claim(ClaimRequest request) {
    long now = clock.millis();
    AtomicReference<ClaimResult> result = new AtomicReference<>();
    records.compute(
        request.key(),
        (key, old) -> {
          if (old == null || old.claimable(now)) {
            IdempotencyRecord claimed =
                new IdempotencyRecord(
                    key,
                    Status.IN_PROGRESS,
                    request.ownerToken(),
                    old == null ? 1 : old.version() + 1,
                    now + request.lease().toMillis(),
                    (now + request.timeToLive().toMillis()) / 1000,
                    request.payloadHash(),
                    null);
            boolean takeover = old != null && old.leaseExpired(now);
            result.set(new ClaimResult.Acquired(claimed, takeover));
            return claimed;
          }
          result.set(ClaimOutcomes.conflicting(old, request));
          return old;
        });
    return result.get();
  }

  @Override
  public boolean complete(IdempotencyRecord held, String result) {
    IdempotencyRecord stored = records.get(held.key());
    if (stored != null
        && stored.status() == Status.COMPLETED
        && stored.ownerToken().equals(held.ownerToken())
        && stored.version() == held.version()) {
      return true;
    }
    return replaceIfHeld(
        held,
        current ->
            new IdempotencyRecord(
                current.key(),
                Status.COMPLETED,
                current.ownerToken(),
                current.version(),
                0,
                current.expiresAtEpochSeconds(),
                current.payloadHash(),
                result));
  }

  @Override
  public boolean release(IdempotencyRecord held) {
    return replaceIfHeld(held, current -> null) || !records.containsKey(held.key());
  }

  @Override
  public boolean renew(IdempotencyRecord held, long leaseUntilMillis) {
    return replaceIfHeld(
        held,
        current ->
            new IdempotencyRecord(
                current.key(),
                current.status(),
                current.ownerToken(),
                current.version(),
                leaseUntilMillis,
                current.expiryForLeaseUntil(leaseUntilMillis),
                current.payloadHash(),
                current.result()));
  }

  /** The record of a key as stored (expired or not), for tests and diagnostics. */
  public java.util.Optional<IdempotencyRecord> get(String key) {
    return java.util.Optional.ofNullable(records.get(key));
  }

  private boolean replaceIfHeld(
      IdempotencyRecord held, java.util.function.UnaryOperator<IdempotencyRecord> change) {
    boolean[] done = {false};
    records.computeIfPresent(
        held.key(),
        (key, current) -> {
          if (current.status() == Status.IN_PROGRESS
              && current.ownerToken().equals(held.ownerToken())
              && current.version() == held.version()) {
            done[0] = true;
            return change.apply(current);
          }
          return current;
        });
    return done[0];
  }
}
