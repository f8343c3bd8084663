/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqsx.consumer.NonRetryableException;
import dev.sqsx.consumer.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class IdempotentHandlerTest {

  private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();

  private static ReceivedMessage delivery(String messageId, String body) {
    return new ReceivedMessage(
        Message.builder()
            .messageId(messageId)
            .body(body)
            .attributes(Map.of(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID, "dedup-1"))
            .build(),
        "https://queue",
        5);
  }

  @Test
  void sameMessageFiveTimes_fourAtOnce_appliesTheEffectOnce() throws Exception {
    AtomicInteger effects = new AtomicInteger();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    IdempotentHandler handler =
        IdempotentHandler.builder()
            .store(store)
            .namespace("orders")
            .key(IdempotencyKey.jsonField("/orderId"))
            .handler(
                (message, lease) -> {
                  effects.incrementAndGet();
                  inside.countDown();
                  release.await();
                  return null;
                })
            .build();
    ExecutorService workers = Executors.newFixedThreadPool(4);
    List<Future<Throwable>> outcomes = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        ReceivedMessage message = delivery("m" + i, "{\"orderId\":7,\"amount\":10}");
        outcomes.add(
            workers.submit(
                () -> {
                  try {
                    handler.handle(message);
                    return null;
                  } catch (Throwable t) {
                    return t;
                  }
                }));
      }
      inside.await();
      Thread.sleep(100);
      release.countDown();
      int inProgress = 0;
      for (Future<Throwable> outcome : outcomes) {
        Throwable error = outcome.get();
        if (error != null) {
          assertThat(error).isInstanceOf(DuplicateInProgressException.class);
          inProgress++;
        }
      }
      handler.handle(delivery("m4", "{\"amount\":10,\"orderId\":7}"));

      assertThat(effects.get()).isEqualTo(1);
      assertThat(inProgress).isEqualTo(3);
      assertThat(handler.stats().duplicatesSuppressed()).isEqualTo(1);
      assertThat(handler.stats().inProgressDuplicates()).isEqualTo(3);
      assertThat(handler.stats().claimed()).isEqualTo(1);
    } finally {
      workers.shutdownNow();
    }
  }

  @Test
  void retryableFailure_releasesTheKey_andTheRetrySucceeds() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    IdempotentHandler handler =
        IdempotentHandler.builder()
            .store(store)
            .namespace("orders")
            .handler(
                (message, lease) -> {
                  if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("bank timeout");
                  }
                  return "ok";
                })
            .build();
    ReceivedMessage message = delivery("m1", "pay");

    assertThatThrownBy(() -> handler.handle(message)).isInstanceOf(IllegalStateException.class);
    handler.handle(message);
    handler.handle(message);

    assertThat(calls.get()).isEqualTo(2);
    assertThat(store.get("orders#m1"))
        .hasValueSatisfying(r -> assertThat(r.result()).isEqualTo("ok"));
  }

  @Test
  void sameKeyDifferentPayload_isAConflict_thatIsNotRetried() throws Exception {
    IdempotentHandler handler =
        IdempotentHandler.builder()
            .store(store)
            .namespace("orders")
            .key(IdempotencyKey.jsonField("/orderId"))
            .handler((message, lease) -> null)
            .build();
    handler.handle(delivery("m1", "{\"orderId\":\"A-1\",\"amount\":10}"));

    assertThatThrownBy(() -> handler.handle(delivery("m2", "{\"orderId\":\"A-1\",\"amount\":99}")))
        .isInstanceOf(PayloadConflictException.class)
        .isInstanceOf(NonRetryableException.class)
        .hasMessage(
            "idempotency key orders#A-1 was already used with a different payload; message m2 is a"
                + " conflict, not a duplicate");
    assertThat(handler.stats().conflicts()).isEqualTo(1);
  }

  @Test
  void aResultAboveTheLimit_completesTheKeyWithoutIt_soTheEffectRunsOnce() throws Exception {
    List<Long> tokens = new ArrayList<>();
    AtomicInteger effects = new AtomicInteger();
    IdempotentHandler handler =
        IdempotentHandler.builder()
            .store(store)
            .namespace("big")
            .maxResultBytes(16)
            .handler(
                (message, lease) -> {
                  effects.incrementAndGet();
                  tokens.add(lease.fencingToken());
                  assertThat(lease.isHeld()).isTrue();
                  return "x".repeat(200);
                })
            .build();

    for (int delivery = 0; delivery < 6; delivery++) {
      handler.handle(delivery("m1", "b"));
    }

    assertThat(effects).as("effect applied").hasValue(1);
    assertThat(tokens).containsExactly(1L);
    assertThat(store.get("big#m1"))
        .hasValueSatisfying(
            record -> {
              assertThat(record.status()).isEqualTo(IdempotencyRecord.Status.COMPLETED);
              assertThat(record.storedResult()).isEmpty();
            });
    assertThat(handler.stats().resultsOmitted()).isEqualTo(1);
    assertThat(handler.stats().duplicatesSuppressed()).isEqualTo(5);
  }

  @Test
  void renewalsFailing_endTheLeaseAtItsEnd_andAreCounted() throws Exception {
    MutableClock clock = new MutableClock();
    FailingRenewals failing = new FailingRenewals(new InMemoryIdempotencyStore(clock), "never");
    List<Boolean> held = new ArrayList<>();
    IdempotentHandler handler =
        IdempotentHandler.builder()
            .store(failing)
            .namespace("slow")
            .lease(Duration.ofSeconds(1))
            .clock(clock)
            .handler(
                (message, lease) -> {
                  held.add(lease.isHeld());
                  org.awaitility.Awaitility.await()
                      .atMost(Duration.ofSeconds(5))
                      .until(() -> failing.failedRenewals.get() >= 1);
                  held.add(lease.isHeld());
                  clock.advance(Duration.ofMillis(1001));
                  held.add(lease.isHeld());
                  return null;
                })
            .build();

    handler.handle(delivery("m-never", "{}"));

    assertThat(held)
        .as("held at start, still held after a failed renewal, lost once its end passed")
        .containsExactly(true, true, false);
    assertThat(handler.stats().renewalFailures()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aRenewalStuckInTheStore_delaysNoOtherLease() throws Exception {
    FailingRenewals stuck = new FailingRenewals(new InMemoryIdempotencyStore(), "stuck");
    IdempotentHandler handler =
        IdempotentHandler.builder()
            .store(stuck)
            .namespace("n")
            .key(IdempotencyKey.jsonField("/id"))
            .lease(Duration.ofSeconds(1))
            .handler(
                (message, lease) -> {
                  if (lease.key().endsWith("stuck")) {
                    org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> stuck.blocked.get() && stuck.renewed.get() >= 3);
                  } else {
                    org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> stuck.renewed.get() >= 3);
                  }
                  return null;
                })
            .build();
    ExecutorService workers = Executors.newFixedThreadPool(2);
    try {
      Future<?> blocked = workers.submit(() -> handle(handler, "{\"id\":\"stuck\"}"));
      Future<?> other = workers.submit(() -> handle(handler, "{\"id\":\"other\"}"));
      other.get(15, java.util.concurrent.TimeUnit.SECONDS);
      blocked.get(15, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      stuck.unblock.countDown();
      workers.shutdownNow();
    }
    assertThat(stuck.renewed.get())
        .as("renewals of the other lease while one renewal hung in the store")
        .isGreaterThanOrEqualTo(3);
  }

  private static Void handle(IdempotentHandler handler, String body) throws Exception {
    handler.handle(delivery(body.contains("stuck") ? "s" : "o", body));
    return null;
  }

  /**
   * The in-memory store, whose renewals of keys ending in {@code stuck} hang until released and of
   * keys ending in {@code never} fail; other renewals are counted.
   */
  private static final class FailingRenewals implements IdempotencyStore {
    private final InMemoryIdempotencyStore delegate;
    private final String suffix;
    final AtomicInteger failedRenewals = new AtomicInteger();
    final AtomicInteger renewed = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicBoolean blocked =
        new java.util.concurrent.atomic.AtomicBoolean();
    final CountDownLatch unblock = new CountDownLatch(1);

    FailingRenewals(InMemoryIdempotencyStore delegate, String suffix) {
      this.delegate = delegate;
      this.suffix = suffix;
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
      return delegate.claim(request);
    }

    @Override
    public boolean complete(IdempotencyRecord held, String result) {
      return delegate.complete(held, result);
    }

    @Override
    public boolean release(IdempotencyRecord held) {
      return delegate.release(held);
    }

    @Override
    public boolean renew(IdempotencyRecord held, long leaseUntilMillis) {
      if (held.key().endsWith("never")) {
        failedRenewals.incrementAndGet();
        throw new IdempotencyException("injected: table unavailable");
      }
      if (held.key().endsWith(suffix)) {
        blocked.set(true);
        try {
          unblock.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return false;
      }
      renewed.incrementAndGet();
      return delegate.renew(held, leaseUntilMillis);
    }
  }

  @Test
  void samePayloadWithNumbersWrittenDifferently_isADuplicate_notAConflict() throws Exception {
    AtomicInteger effects = new AtomicInteger();
    IdempotentHandler handler =
        IdempotentHandler.builder()
            .store(store)
            .namespace("orders")
            .key(IdempotencyKey.jsonField("/orderId"))
            .handler(message -> effects.incrementAndGet())
            .build();

    handler.handle(delivery("m1", "{\"orderId\":7,\"amount\":10}"));
    handler.handle(delivery("m2", "{\"orderId\":7,\"amount\":10.0}"));
    handler.handle(delivery("m3", "{\"amount\":1E+1,\"orderId\":7}"));

    assertThat(effects).hasValue(1);
    assertThat(handler.stats().conflicts()).isZero();
    assertThat(handler.stats().duplicatesSuppressed()).isEqualTo(2);
  }

  @Test
  void aRecordHashedBeforeTheNumberRule_isNeverTakenForAConflict() throws Exception {
    IdempotencyRecord old =
        store
            .claim(
                new ClaimRequest(
                    "orders#m1",
                    "old-owner",
                    Duration.ofMinutes(1),
                    Duration.ofHours(1),
                    dev.sqsx.idempotency.internal.CanonicalJson.sha256("{\"amount\":10}")))
            .record();
    store.complete(old, null);
    AtomicInteger effects = new AtomicInteger();
    IdempotentHandler handler =
        IdempotentHandler.builder()
            .store(store)
            .namespace("orders")
            .handler(message -> effects.incrementAndGet())
            .build();

    handler.handle(delivery("m1", "{\"amount\":10.0}"));

    assertThat(effects).hasValue(0);
    assertThat(handler.stats().duplicatesSuppressed()).isEqualTo(1);
    assertThat(handler.stats().conflicts()).isZero();
  }

  @Test
  void aBuiltHandler_neverSeesLaterChangesToItsBuilder() throws Exception {
    IdempotentHandler.Builder builder =
        IdempotentHandler.builder().store(store).namespace("first").handler(message -> {});
    IdempotentHandler handler = builder.build();
    builder.namespace("second");

    handler.handle(delivery("m1", "{}"));

    assertThat(store.get("first#m1")).isPresent();
    assertThat(store.get("second#m1")).isEmpty();
  }

  @Test
  void keys_fromEveryKindOfSource() {
    ReceivedMessage message = delivery("m9", "{ \"b\": [1, {\"y\":2,\"x\":1}], \"a\": \"A\" }");

    assertThat(IdempotencyKey.messageId().of(message)).isEqualTo("m9");
    assertThat(IdempotencyKey.deduplicationId().of(message)).isEqualTo("dedup-1");
    assertThat(IdempotencyKey.jsonField("/a").of(message)).isEqualTo("A");
    assertThat(IdempotencyKey.jsonField("/b/1").of(message)).isEqualTo("{\"x\":1,\"y\":2}");
    assertThat(IdempotencyKey.bodySha256().of(message))
        .isEqualTo(
            IdempotencyKey.bodySha256()
                .of(delivery("m10", "{\"a\":\"A\",\"b\":[1,{\"x\":1,\"y\":2}]}")))
        .hasSize(64);
    assertThatThrownBy(() -> IdempotencyKey.jsonField("/missing").of(message))
        .isInstanceOf(NonRetryableException.class)
        .hasMessage("message m9 has no JSON field /missing to key on");
    assertThatThrownBy(() -> IdempotencyKey.jsonField("orderId"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pointer must be a JSON pointer starting with '/' (RFC 6901), was 'orderId'");
  }

  @Test
  void builder_rulesNameTheirReasons() {
    assertThatThrownBy(
            () ->
                IdempotentHandler.builder()
                    .store(store)
                    .namespace("bad ns")
                    .handler((m, l) -> null)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "namespace must be 1..64 of A-Z a-z 0-9 . _ : - (it prefixes every key), was 'bad ns'");
    assertThatThrownBy(
            () ->
                IdempotentHandler.builder()
                    .store(store)
                    .namespace("ns")
                    .lease(Duration.ofMinutes(5))
                    .timeToLive(Duration.ofMinutes(1))
                    .handler((m, l) -> null)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeToLive must be longer than the lease (PT5M), was PT1M");
    assertThatThrownBy(
            () ->
                IdempotentHandler.builder()
                    .store(store)
                    .namespace("ns")
                    .lease(Duration.ofMillis(10))
                    .handler((m, l) -> null)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "lease must be PT1S..PT12H (SQS holds a message at most 12 hours), was PT0.01S");
  }

  /** The in-memory store, with {@code complete} failing the first {@code failures} times. */
  private static final class FailingCompletes implements IdempotencyStore {
    private final InMemoryIdempotencyStore delegate = new InMemoryIdempotencyStore();
    private final AtomicInteger failures;

    FailingCompletes(int failures) {
      this.failures = new AtomicInteger(failures);
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
      return delegate.claim(request);
    }

    @Override
    public boolean complete(IdempotencyRecord held, String result) {
      if (failures.getAndDecrement() > 0) {
        throw new IdempotencyException("injected: table unavailable");
      }
      return delegate.complete(held, result);
    }

    @Override
    public boolean release(IdempotencyRecord held) {
      return delegate.release(held);
    }

    @Override
    public boolean renew(IdempotencyRecord held, long leaseUntilMillis) {
      return delegate.renew(held, leaseUntilMillis);
    }
  }

  @Test
  void completeFailingTwice_isRetried_andTheDuplicateIsSuppressed() throws Exception {
    FailingCompletes flaky = new FailingCompletes(2);
    AtomicInteger effects = new AtomicInteger();
    IdempotentHandler handler =
        IdempotentHandler.builder()
            .store(flaky)
            .namespace("orders")
            .handler(message -> effects.incrementAndGet())
            .build();

    handler.handle(delivery("m1", "{}"));
    handler.handle(delivery("m1", "{}"));

    assertThat(effects).hasValue(1);
    assertThat(handler.stats().duplicatesSuppressed()).isEqualTo(1);
  }

  @Test
  void completeFailingEveryTime_failsNamingTheMessageAndTheKey() {
    IdempotentHandler handler =
        IdempotentHandler.builder()
            .store(new FailingCompletes(Integer.MAX_VALUE))
            .namespace("orders")
            .handler(message -> {})
            .build();

    assertThatThrownBy(() -> handler.handle(delivery("m9", "{}")))
        .isInstanceOf(IdempotencyException.class)
        .hasMessageContaining("message m9: the handler succeeded but key orders#m9")
        .hasMessageContaining("after 3 attempts")
        .hasRootCauseMessage("injected: table unavailable");
  }

  @Test
  void aMessageWithADeadline_holdsItsKeyNoLongerThanTheDeadline() throws Exception {
    // What sqsx-lambda hands over: the invocation's end. A key must not stay held past an
    // invocation that was killed, whatever the configured lease.
    java.time.Instant deadline = java.time.Instant.now().plusSeconds(3);
    List<IdempotencyLease> seen = new ArrayList<>();
    IdempotentHandler handler =
        IdempotentHandler.builder()
            .store(store)
            .namespace("orders")
            .lease(Duration.ofMinutes(10))
            .checkPayload(false)
            .handler(
                (message, lease) -> {
                  seen.add(lease);
                  // while the handler runs, the stored lease ends by the deadline
                  ClaimResult again =
                      store.claim(
                          new ClaimRequest(
                              "orders#m-deadline",
                              "another-worker",
                              Duration.ofMinutes(10),
                              Duration.ofDays(1),
                              null));
                  assertThat(again).isInstanceOf(ClaimResult.InProgress.class);
                  IdempotencyRecord held = ((ClaimResult.InProgress) again).record();
                  assertThat(held.leaseUntilMillis())
                      .isLessThanOrEqualTo(deadline.toEpochMilli())
                      .isGreaterThan(deadline.toEpochMilli() - 2_000);
                  return null;
                })
            .build();

    handler.handle(
        new ReceivedMessage(
            Message.builder().messageId("m-deadline").body("{}").build(),
            "https://queue",
            5,
            deadline));

    assertThat(seen).hasSize(1);
  }
}
