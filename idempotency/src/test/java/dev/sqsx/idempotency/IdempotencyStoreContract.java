/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link IdempotencyStore} must have. Subclasses give the store, built on
 * {@link #clock}.
 */
abstract class IdempotencyStoreContract {

  final MutableClock clock = new MutableClock();

  abstract IdempotencyStore store();

  static ClaimRequest claim(String key, String hash) {
    return new ClaimRequest(
        key, UUID.randomUUID().toString(), Duration.ofSeconds(30), Duration.ofHours(1), hash);
  }

  static String key() {
    return "test#" + UUID.randomUUID();
  }

  @Test
  void firstClaim_acquires_andADuplicateSeesItInProgressThenCompletedWithItsResult() {
    String key = key();
    ClaimResult first = store().claim(claim(key, "h"));

    assertThat(first).isInstanceOf(ClaimResult.Acquired.class);
    IdempotencyRecord held = first.record();
    assertThat(held.version()).isEqualTo(1);
    assertThat(((ClaimResult.Acquired) first).takeover()).isFalse();
    assertThat(store().claim(claim(key, "h"))).isInstanceOf(ClaimResult.InProgress.class);

    assertThat(store().complete(held, "receipt-42")).isTrue();

    ClaimResult duplicate = store().claim(claim(key, "h"));
    assertThat(duplicate).isInstanceOf(ClaimResult.AlreadyCompleted.class);
    assertThat(duplicate.record().storedResult()).contains("receipt-42");
    assertThat(duplicate.record().status()).isEqualTo(IdempotencyRecord.Status.COMPLETED);
  }

  @Test
  void completeAndRelease_areRepeatable_soARetryAfterALostResponseIsNotFencing() {
    String completedKey = key();
    IdempotencyRecord completed = store().claim(claim(completedKey, null)).record();
    assertThat(store().complete(completed, "r")).isTrue();
    assertThat(store().complete(completed, "r")).isTrue();
    assertThat(store().claim(claim(completedKey, null)))
        .isInstanceOf(ClaimResult.AlreadyCompleted.class);

    IdempotencyRecord released = store().claim(claim(key(), null)).record();
    assertThat(store().release(released)).isTrue();
    assertThat(store().release(released)).isTrue();
  }

  @Test
  void renewedLease_isNeverTakenOver_evenPastTheRecordsFirstExpiry() {
    String key = key();
    ClaimRequest shortLived =
        new ClaimRequest(key, "first", Duration.ofSeconds(1), Duration.ofSeconds(2), null);
    IdempotencyRecord held = store().claim(shortLived).record();
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofMillis(700));
      assertThat(store().renew(held, clock.millis() + 1000)).as("renewal %d", i).isTrue();
    }
    // 2.8 s after the claim: the record's first expiry (2 s) has passed; the lease is live.
    ClaimResult duplicate = store().claim(claim(key, null));

    assertThat(duplicate).isInstanceOf(ClaimResult.InProgress.class);
    assertThat(duplicate.record().expiresAtEpochSeconds() * 1000)
        .as("renewal keeps the record alive past its lease")
        .isGreaterThan(duplicate.record().leaseUntilMillis());
    clock.advance(Duration.ofMillis(1500));
    ClaimResult afterTheLease = store().claim(claim(key, null));
    assertThat(afterTheLease).isInstanceOf(ClaimResult.Acquired.class);
    assertThat(((ClaimResult.Acquired) afterTheLease).takeover()).isTrue();
  }

  @Test
  void sameClaimTwice_acquiresBothTimes_soARetryAfterALostResponseKeepsIt() {
    ClaimRequest request = claim(key(), "h");
    IdempotencyRecord first = store().claim(request).record();

    ClaimResult retried = store().claim(request);

    assertThat(retried).isInstanceOf(ClaimResult.Acquired.class);
    assertThat(retried.record().version()).isEqualTo(first.version());
    assertThat(store().complete(retried.record(), null)).isTrue();
  }

  @Test
  void releaseAfterAnotherClaim_isFenced_andLeavesTheNewClaim() {
    String key = key();
    IdempotencyRecord first = store().claim(claim(key, null)).record();
    assertThat(store().release(first)).isTrue();
    IdempotencyRecord second = store().claim(claim(key, null)).record();

    assertThat(store().release(first)).isFalse();
    assertThat(store().complete(first, null)).isFalse();
    assertThat(store().complete(second, null)).isTrue();
  }

  @Test
  void release_letsTheNextClaimAcquireAtOnce() {
    String key = key();
    IdempotencyRecord held = store().claim(claim(key, null)).record();

    assertThat(store().release(held)).isTrue();
    ClaimResult again = store().claim(claim(key, null));

    assertThat(again).isInstanceOf(ClaimResult.Acquired.class);
    assertThat(((ClaimResult.Acquired) again).takeover()).isFalse();
  }

  @Test
  void expiredLease_isTakenOver_andTheOldHolderIsFencedOut() {
    String key = key();
    IdempotencyRecord crashed = store().claim(claim(key, null)).record();
    clock.advance(Duration.ofSeconds(31));

    ClaimResult takeover = store().claim(claim(key, null));

    assertThat(takeover).isInstanceOf(ClaimResult.Acquired.class);
    assertThat(((ClaimResult.Acquired) takeover).takeover()).isTrue();
    IdempotencyRecord newHolder = takeover.record();
    assertThat(newHolder.version()).as("fencing token").isEqualTo(crashed.version() + 1);
    assertThat(store().complete(crashed, "late")).isFalse();
    assertThat(store().release(crashed)).isFalse();
    assertThat(store().renew(crashed, clock.millis() + 60_000)).isFalse();
    assertThat(store().complete(newHolder, "fresh")).isTrue();
    assertThat(store().claim(claim(key, null)).record().storedResult()).contains("fresh");
  }

  @Test
  void renewal_keepsTheLease() {
    String key = key();
    IdempotencyRecord held = store().claim(claim(key, null)).record();
    clock.advance(Duration.ofSeconds(20));
    assertThat(store().renew(held, clock.millis() + 30_000)).isTrue();
    clock.advance(Duration.ofSeconds(20));

    assertThat(store().claim(claim(key, null))).isInstanceOf(ClaimResult.InProgress.class);
  }

  @Test
  void expiredCompletedKey_isUsableAgain_evenBeforeTtlDeletesIt() {
    String key = key();
    IdempotencyRecord held = store().claim(claim(key, "h")).record();
    store().complete(held, null);
    clock.advance(Duration.ofHours(1).plusSeconds(1));

    ClaimResult again = store().claim(claim(key, "other"));

    assertThat(again).isInstanceOf(ClaimResult.Acquired.class);
    assertThat(((ClaimResult.Acquired) again).takeover()).isFalse();
    assertThat(again.record().storedResult()).isEmpty();
  }

  @Test
  void sameKeyDifferentPayload_isAConflict_samePayloadADuplicate() {
    String key = key();
    store().complete(store().claim(claim(key, "hash-a")).record(), null);

    assertThat(store().claim(claim(key, "hash-b"))).isInstanceOf(ClaimResult.PayloadConflict.class);
    assertThat(store().claim(claim(key, "hash-a")))
        .isInstanceOf(ClaimResult.AlreadyCompleted.class);
    assertThat(store().claim(claim(key, null))).isInstanceOf(ClaimResult.AlreadyCompleted.class);
  }

  @Test
  void concurrentClaims_exactlyOneAcquires() throws Exception {
    String key = key();
    ExecutorService workers = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<ClaimResult>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Callable<ClaimResult> worker =
            () -> {
              start.await();
              return store().claim(claim(key, "h"));
            };
        results.add(workers.submit(worker));
      }
      start.countDown();
      long acquired = 0;
      for (Future<ClaimResult> result : results) {
        if (result.get() instanceof ClaimResult.Acquired) {
          acquired++;
        } else {
          assertThat(result.get()).isInstanceOf(ClaimResult.InProgress.class);
        }
      }
      assertThat(acquired).isEqualTo(1);
    } finally {
      workers.shutdownNow();
    }
  }
}
