package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.RetryPolicy;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's failure policy: a retryable failure is retried after the retry policy's backoff; a
 * non-retryable one, or the last attempt the redrive policy allows, goes to the DLQ with its reason
 * (sent by sqsx). Without a DLQ, the message is left to redelivery and SQS retention, with an ERROR
 * log.
 */
public final class RetryingFailurePolicy implements FailurePolicy {

  private static final Logger LOG = LoggerFactory.getLogger(RetryingFailurePolicy.class);

  private final String queueUrl;
  private final RetryPolicy retry;
  private final Predicate<Throwable> nonRetryable;
  private volatile DeadLetters deadLetters;
  private final Backoff backoff;
  private final Set<CompletableFuture<?>> deadLettering = ConcurrentHashMap.newKeySet();

  /**
   * @param deadLetters where to dead-letter, or null when there is no DLQ
   */
  public RetryingFailurePolicy(
      String queueUrl,
      RetryPolicy retry,
      Predicate<Throwable> nonRetryable,
      DeadLetters deadLetters,
      Backoff backoff) {
    this.queueUrl = queueUrl;
    this.retry = retry;
    this.nonRetryable = nonRetryable;
    this.deadLetters = deadLetters;
    this.backoff = backoff;
  }

  @Override
  public void onFailure(Lease lease, Throwable error) {
    boolean permanent = nonRetryable.test(error);
    boolean last = lease.received().isLastAttempt();
    DeadLetters target = deadLetters;
    if (permanent || last) {
      if (target != null) {
        CompletableFuture<Boolean> send = target.send(lease, error);
        deadLettering.add(send);
        Async.whenComplete(
            send,
            (moved, sendError) -> {
              deadLettering.remove(send);
              if (!Boolean.TRUE.equals(moved)) {
                retryLater(lease);
              }
            },
            "dead-lettering a message");
        return;
      }
      LOG.error(
          "message {} from {} failed {} and there is no dead-letter queue (no redrive policy, none"
              + " configured): it is retried until SQS retention drops it",
          lease.messageId(),
          queueUrl,
          permanent ? "with a non-retryable error" : "its last attempt");
    }
    retryLater(lease);
  }

  private void retryLater(Lease lease) {
    backoff.delay(lease, retry.delayAfter(lease.received().attempt()));
  }

  /**
   * Completes when the dead letters being sent and the retry delays asked for so far have been
   * answered (for shutdown).
   */
  public CompletableFuture<Void> settle() {
    return CompletableFuture.allOf(deadLettering.toArray(CompletableFuture[]::new))
        .handle((done, error) -> null)
        .thenCompose(done -> backoff.settle());
  }

  /** Sends dead letters to a new DLQ from now on (null: none), after a redrive policy change. */
  public void deadLetters(DeadLetters deadLetters) {
    this.deadLetters = deadLetters;
  }
}
