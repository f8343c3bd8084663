/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.consumer.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The settlement core's decisions, recorded through its effects (no endpoint involved). */
class SettlementTest {

  private static final long NOW = 1_000_000;
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

  /** Effects that record what they are asked to do; FIFO groups held as a set. */
  private static class Recorded implements Settlement.Effects {
    final List<String> calls = new ArrayList<>();
    final Set<String> held = new HashSet<>();
    CompletableFuture<Boolean> deadLetter;

    @Override
    public void delete(Lease lease) {
      calls.add("delete " + lease.messageId());
    }

    @Override
    public void letGo(Lease lease) {
      calls.add("letGo " + lease.messageId());
    }

    @Override
    public void retry(Lease lease, Duration delay) {
      calls.add("retry " + lease.messageId());
    }

    @Override
    public CompletableFuture<Boolean> deadLetter(Lease lease, Throwable error) {
      if (deadLetter != null) {
        calls.add("deadLetter " + lease.messageId());
      }
      return deadLetter;
    }

    @Override
    public void keep(Lease lease, boolean started, String reason) {
      calls.add("keep " + lease.messageId() + (started ? " started" : " unstarted"));
    }

    @Override
    public void release(List<Lease> leases) {
      leases.forEach(lease -> calls.add("release " + lease.messageId()));
    }

    @Override
    public List<Lease> finish(Lease lease, boolean holdGroup) {
      if (holdGroup) {
        held.add(lease.received().messageGroupId().orElse(""));
      }
      calls.add("finish " + lease.messageId() + (holdGroup ? " hold" : ""));
      return List.of();
    }

    @Override
    public boolean groupHeld(Lease lease) {
      return held.contains(lease.received().messageGroupId().orElse(""));
    }

    @Override
    public void settled(Lease lease) {
      calls.add("settled " + lease.messageId());
    }
  }

  private static Lease lease(String id, String group, int attempt, long deadline) {
    Message message =
        Message.builder()
            .messageId(id)
            .receiptHandle("handle-" + id)
            .body("body")
            .attributes(
                Map.of(
                    MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                    Integer.toString(attempt),
                    MessageSystemAttributeName.MESSAGE_GROUP_ID,
                    group))
            .build();
    return new Lease(new ReceivedMessage(message, "https://q/test.fifo", 3), NOW - 10, deadline);
  }

  private Settlement settlement(
      Recorded effects, java.util.function.Predicate<Throwable> permanent) {
    return new Settlement(RetryPolicy.immediate(), permanent, clock, effects, Duration.ZERO, null);
  }

  @Test
  void aSuccessWithItsLeaseHeld_isDeleted_andItsGroupGoesOn() {
    Recorded effects = new Recorded();
    settlement(effects, e -> false).settle(lease("m1", "g", 1, NOW + 5_000), null);

    assertThat(effects.calls).containsExactly("finish m1", "delete m1", "settled m1");
  }

  @Test
  void aSuccessWhoseLeaseWasLost_isKept_andHoldsItsGroup() {
    Recorded effects = new Recorded();
    Lease lost = lease("m1", "g", 1, NOW + 5_000);
    lost.markLost();

    settlement(effects, e -> false).settle(lost, null);

    assertThat(effects.calls)
        .containsExactly("letGo m1", "finish m1 hold", "keep m1 started", "settled m1");
    assertThat(effects.groupHeld(lease("m2", "g", 1, NOW + 5_000))).isTrue();
  }

  @Test
  void aSuccessBehindAHeldGroup_isReleased_notDeleted() {
    Recorded effects = new Recorded();
    effects.held.add("g");

    settlement(effects, e -> false).settle(lease("m2", "g", 1, NOW + 5_000), null);

    assertThat(effects.calls).containsExactly("release m2", "finish m2 hold", "settled m2");
  }

  @Test
  void aThrowingNonRetryablePredicate_meansRetryable() {
    Recorded effects = new Recorded();
    effects.deadLetter = CompletableFuture.completedFuture(true);

    settlement(
            effects,
            e -> {
              throw new IllegalStateException("predicate bug");
            })
        .settle(lease("m1", "g", 1, NOW + 5_000), new RuntimeException("handler"));

    assertThat(effects.calls)
        .containsExactly("letGo m1", "finish m1 hold", "retry m1", "settled m1");
  }

  @Test
  void aWrappedNonRetryableException_isDeadLettered_evenWhenTheUsersPredicateThrows() {
    Recorded effects = new Recorded();
    effects.deadLetter = CompletableFuture.completedFuture(true);
    // as the builders compose it: NonRetryableException along the cause chain, or the user's
    // predicate, which here throws on the wrapper (a ClassCastException, say)
    Settlement settlement =
        settlement(
            effects,
            dev.sqsx.consumer.NonRetryableException.orAnyCause(
                e -> {
                  throw new ClassCastException(e.getClass().getName());
                }));

    settlement.settle(
        lease("m1", "g", 1, NOW + 5_000),
        new IllegalStateException(
            "order rejected", new dev.sqsx.consumer.NonRetryableException("malformed")));

    assertThat(effects.calls)
        .as("attempt 1 of 3, a NonRetryableException as its cause")
        .containsExactly("letGo m1", "finish m1 hold", "deadLetter m1", "settled m1");
  }

  @Test
  void theLastAttempt_isDeadLettered_andRetriedWhenTheDeadLetterIsNotSent() {
    Recorded effects = new Recorded();
    effects.deadLetter = CompletableFuture.completedFuture(false);

    settlement(effects, e -> false)
        .settle(lease("m1", "g", 3, NOW + 5_000), new RuntimeException());

    assertThat(effects.calls)
        .containsExactly("letGo m1", "finish m1 hold", "deadLetter m1", "retry m1", "settled m1");
  }

  @Test
  void aMessageWhoseLeaseEndedWhileWaiting_mayNotStart_andIsKeptHoldingItsGroup() {
    Recorded effects = new Recorded();
    Settlement settlement = settlement(effects, e -> false);
    Lease expired = lease("m1", "g", 1, NOW);

    assertThat(settlement.mayStart(expired, NOW)).isFalse();
    settlement.notStarted(expired);

    assertThat(effects.calls)
        .containsExactly("letGo m1", "finish m1 hold", "keep m1 unstarted", "settled m1");
  }

  @Test
  void aMessageTheHeartbeatGaveUp_mayNotStart_thoughItsLeaseIsStillHeld() {
    Recorded effects = new Recorded();
    Settlement settlement = settlement(effects, e -> false);
    Lease abandoned = lease("m1", "g", 1, NOW + 30_000);
    abandoned.markAbandoned(); // past its maximum processing time since the receive

    assertThat(settlement.mayStart(abandoned, NOW)).isFalse();
    settlement.notStarted(abandoned);

    assertThat(effects.calls)
        .containsExactly("letGo m1", "finish m1 hold", "keep m1 unstarted", "settled m1");
  }

  @Test
  void aMessagePastItsMaximumProcessingTimeSinceTheReceive_mayNotStart() {
    Recorded effects = new Recorded();
    Settlement settlement =
        new Settlement(
            RetryPolicy.immediate(),
            e -> false,
            clock,
            effects,
            Duration.ZERO,
            Duration.ofSeconds(1));

    assertThat(settlement.mayStart(lease("m1", "g", 1, NOW + 30_000), NOW)).isTrue();
    assertThat(settlement.mayStart(lease("m2", "g", 1, NOW + 30_000), NOW + 990)).isFalse();
  }

  @Test
  void aStartMargin_refusesAMessageWithLessLeaseLeft() {
    Recorded effects = new Recorded();
    Settlement settlement =
        new Settlement(
            RetryPolicy.immediate(), e -> false, clock, effects, Duration.ofSeconds(1), null);

    assertThat(settlement.mayStart(lease("m1", "g", 1, NOW + 999), NOW)).isFalse();
    assertThat(settlement.mayStart(lease("m2", "g", 1, NOW + 1_001), NOW)).isTrue();
    assertThat(settlement.mayStart(lease("m3", "g", 1, Long.MAX_VALUE), NOW)).isTrue();
  }

  @Test
  void anEffectThatThrows_leavesTheMessageToItsVisibility_andStillEndsItsSettlement() {
    Recorded effects =
        new Recorded() {
          @Override
          public void delete(Lease lease) {
            throw new IllegalStateException("batcher closed");
          }
        };

    settlement(effects, e -> false).settle(lease("m1", "g", 1, NOW + 5_000), null);

    assertThat(effects.calls).containsExactly("finish m1", "settled m1");
  }
}
