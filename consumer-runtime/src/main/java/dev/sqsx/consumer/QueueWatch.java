/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import dev.sqsx.consumer.internal.ConsumerEffects;
import dev.sqsx.consumer.internal.Counters;
import dev.sqsx.consumer.internal.DeadLetters;
import dev.sqsx.consumer.internal.QueueAttributes;
import dev.sqsx.consumer.internal.QueueSettings;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a consumer knows of its queue's attributes (FIFO, visibility, retention, redrive policy) and
 * what follows from them: the DLQ sqsx sends to, the warnings about a plan that cannot work, and
 * the periodic re-read that lets a changed redrive policy apply to the next failures.
 */
final class QueueWatch {

  private static final Logger LOG = LoggerFactory.getLogger(SqsConsumer.class);

  private final ConsumerConfig config;
  private final QueueAttributes queueAttributes;
  private final Counters counters;
  private volatile QueueSettings current;
  private ConsumerEffects failures;
  private ScheduledFuture<?> refreshing;

  QueueWatch(ConsumerConfig config, Counters counters) {
    this.config = config;
    this.counters = counters;
    this.queueAttributes = new QueueAttributes(config.sqs(), config.queueUrl());
  }

  /** The settings last read. */
  QueueSettings current() {
    return current;
  }

  /** Reads the settings (one {@code GetQueueAttributes}), blocking: at start. */
  QueueSettings start() {
    current = read();
    return current;
  }

  /**
   * Re-reads the settings every {@code queueAttributesRefresh} (unless zero) on {@code scheduler};
   * a changed DLQ is handed to {@code failures}.
   */
  void refreshEvery(ScheduledExecutorService scheduler, ConsumerEffects failures) {
    this.failures = failures;
    Duration every = config.queueAttributesRefresh();
    if (!every.isZero()) {
      refreshing =
          scheduler.scheduleWithFixedDelay(
              () -> {
                var unused = refresh();
              },
              every.toMillis(),
              every.toMillis(),
              TimeUnit.MILLISECONDS);
    }
  }

  void stop() {
    if (refreshing != null) {
      refreshing.cancel(false);
    }
  }

  /** The DLQ sqsx sends to: the configured one, else the redrive policy's. */
  String deadLetterQueueUrl() {
    if (config.deadLetterQueueUrl() != null) {
      return config.deadLetterQueueUrl();
    }
    if (current.deadLetterTargetArn().isEmpty()) {
      return null;
    }
    String arn = current.deadLetterTargetArn().get();
    try {
      return queueAttributes.urlOf(arn).join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new ConsumerException(
          "the redrive policy of queue "
              + config.queueUrl()
              + " names DLQ "
              + arn
              + ", which cannot be found: "
              + cause.getMessage(),
          cause);
    }
  }

  void checkPlan(String dlqUrl) {
    if (current.maxReceiveCount().isEmpty() && dlqUrl == null) {
      LOG.warn(
          "queue {} has no redrive policy and no dead-letter queue is configured: a message that"
              + " always fails is retried until SQS retention drops it",
          config.queueUrl());
    }
    if (config.batchHandler() != null && current.fifo()) {
      throw new ConsumerException(
          "a batch handler cannot keep FIFO group order on queue "
              + config.queueUrl()
              + ": use handler or asyncHandler for FIFO queues");
    }
    if (config.maxInFlightPerGroup() > 0 && current.fifo()) {
      throw new ConsumerException(
          "maxInFlightPerGroup("
              + config.maxInFlightPerGroup()
              + ") is for standard queues, but "
              + config.queueUrl()
              + " is a FIFO queue, which already runs one message per group at a time: remove"
              + " maxInFlightPerGroup");
    }
    current
        .maxReceiveCount()
        .ifPresent(
            attempts -> {
              Duration schedule = config.retryPolicy().worstCaseBefore(attempts);
              if (schedule.toSeconds() > current.retentionPeriodSeconds()) {
                LOG.warn(
                    "retry policy {} waits up to {} over the {} receives queue {} allows, longer"
                        + " than its retention of {} s: messages may expire before their last"
                        + " attempt",
                    config.retryPolicy(),
                    schedule,
                    attempts,
                    config.queueUrl(),
                    current.retentionPeriodSeconds());
              }
            });
  }

  /**
   * Re-reads the queue's attributes (on the scheduler, without blocking it): a changed redrive
   * policy takes effect for the next failures, including a new DLQ (unless one was configured). A
   * changed policy is adopted as a whole once its DLQ's URL is known: while the lookup fails, the
   * last policy (count and DLQ) stays, and the next refresh looks again. Completes once the
   * settings are applied or the failure is logged; never fails. Called every {@code
   * queueAttributesRefresh}, or directly by a test.
   */
  CompletableFuture<Void> refresh() {
    return queueAttributes
        .read()
        .thenCompose(this::apply)
        .handle(
            (ignored, error) -> {
              if (error != null) {
                LOG.warn(
                    "could not refresh the attributes of queue {} (keeping the last ones, trying"
                        + " again at the next refresh): {}",
                    config.queueUrl(),
                    unwrap(error).toString());
              }
              return null;
            });
  }

  private CompletableFuture<Void> apply(QueueSettings fresh) {
    QueueSettings old = current;
    if (old.maxReceiveCount().equals(fresh.maxReceiveCount())
        && old.deadLetterTargetArn().equals(fresh.deadLetterTargetArn())) {
      adopt(old, fresh, () -> {});
      return CompletableFuture.completedFuture(null);
    }
    return deadLettersUnder(fresh)
        .thenAccept(
            change -> {
              if (adopt(old, fresh, change)) {
                LOG.info(
                    "redrive policy of {} changed: maxReceiveCount {} -> {}, DLQ {} -> {}",
                    config.queueUrl(),
                    old.maxReceiveCount().orElse(null),
                    fresh.maxReceiveCount().orElse(null),
                    old.deadLetterTargetArn().orElse("none"),
                    fresh.deadLetterTargetArn().orElse("none"));
              }
            });
  }

  /**
   * The change of DLQ that comes with {@code fresh}, to make when it is adopted: none when a DLQ is
   * configured; else its redrive policy's DLQ, or none. Fails when that DLQ cannot be found.
   */
  private CompletableFuture<Runnable> deadLettersUnder(QueueSettings fresh) {
    if (config.deadLetterQueueUrl() != null) {
      return CompletableFuture.completedFuture(() -> {});
    }
    if (fresh.deadLetterTargetArn().isEmpty()) {
      return CompletableFuture.completedFuture(() -> failures.deadLetters(null));
    }
    String arn = fresh.deadLetterTargetArn().get();
    return queueAttributes
        .urlOf(arn)
        .<Runnable>handle(
            (dlqUrl, error) -> {
              if (error != null) {
                Throwable cause = unwrap(error);
                throw new ConsumerException(
                    "the changed redrive policy names DLQ "
                        + arn
                        + ", which cannot be found: "
                        + cause.getMessage(),
                    cause);
              }
              DeadLetters target =
                  new DeadLetters(config.sqs(), config.queueUrl(), dlqUrl, fresh.fifo(), counters);
              return () -> failures.deadLetters(target);
            });
  }

  /**
   * Makes {@code fresh} current together with its DLQ {@code change}, unless a later refresh
   * replaced {@code old} meanwhile (then this one is stale and changes nothing).
   */
  @SuppressWarnings("ReferenceEquality") // identity: the very settings this refresh compared with
  private synchronized boolean adopt(QueueSettings old, QueueSettings fresh, Runnable change) {
    if (current != old) {
      return false;
    }
    current = fresh;
    change.run();
    return true;
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  private QueueSettings read() {
    try {
      return queueAttributes.read().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new ConsumerException(
          "cannot read the attributes of queue " + config.queueUrl() + ": " + cause.getMessage(),
          cause);
    }
  }
}
