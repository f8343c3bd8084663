package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.consumer.NonRetryableException;
import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.consumer.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Review: attacks on the settlement core's guards. */
class SettlementReviewTest {

  private static final long NOW = 1_000_000;
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

  private static final class Recorded implements Settlement.Effects {
    final List<String> calls = new ArrayList<>();

    @Override
    public void delete(Lease lease) {
      calls.add("delete " + lease.messageId());
    }

    @Override
    public void retry(Lease lease, Duration delay) {
      calls.add("retry " + lease.messageId());
    }

    @Override
    public CompletableFuture<Boolean> deadLetter(Lease lease, Throwable error) {
      calls.add("deadLetter " + lease.messageId());
      return CompletableFuture.completedFuture(true);
    }

    @Override
    public void keep(Lease lease, boolean started, String reason) {
      calls.add("keep " + lease.messageId());
    }

    @Override
    public void release(List<Lease> leases) {
      leases.forEach(lease -> calls.add("release " + lease.messageId()));
    }

    @Override
    public List<Lease> finish(Lease lease, boolean holdGroup) {
      return List.of();
    }
  }

  private static Lease lease(String id, int attempt) {
    Message message =
        Message.builder()
            .messageId(id)
            .receiptHandle("handle-" + id)
            .body("body")
            .attributes(
                Map.of(
                    MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                    Integer.toString(attempt)))
            .build();
    return new Lease(new ReceivedMessage(message, "https://q/test", 5), NOW - 10, NOW + 5_000);
  }

  /**
   * README ("nonRetryable ... NonRetryableException always") and GUARANTEES ("A non-retryable
   * failure (NonRetryableException, or the predicate along the cause chain) goes to the DLQ on
   * attempt 1"): a user predicate that throws on the wrapper (a ClassCastException, say) must not
   * turn a NonRetryableException further down the cause chain into a retryable failure. The
   * builders compose the predicate with {@code NonRetryableException.orAnyCause}, which calls the
   * user predicate on the wrapper before it ever looks at the cause; the core then catches the
   * throw and says "retryable" for the whole chain.
   */
  @Test
  void aWrappedNonRetryableException_isDeadLettered_evenWhenTheUsersPredicateThrows() {
    Predicate<Throwable> userPredicate =
        e -> {
          throw new ClassCastException(e.getClass().getName() + " is not what I expected");
        };
    Predicate<Throwable> asTheBuildersComposeIt = NonRetryableException.orAnyCause(userPredicate);
    Recorded effects = new Recorded();
    Settlement settlement =
        new Settlement(
            RetryPolicy.immediate(), asTheBuildersComposeIt, clock, effects, Duration.ZERO, null);

    settlement.settle(
        lease("m1", 1),
        new IllegalStateException(
            "order rejected", new NonRetryableException("the order is malformed")));

    assertThat(effects.calls)
        .as("attempt 1 of 5, failing with a NonRetryableException as its cause")
        .containsExactly("deadLetter m1");
  }
}
