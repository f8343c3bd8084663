/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.MessageObserver.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;

/**
 * Acknowledges handled messages with {@code DeleteMessageBatch}: flushed at 10 entries, after the
 * acknowledgement interval, or at once when an entry's visibility deadline is near. Every entry's
 * result is checked: server-side failures are retried, permanent ones (an invalid receipt handle)
 * are logged with the message id and counted. A message stays under the heartbeat until its delete
 * is settled.
 */
public final class DeleteBatcher {

  private static final Logger LOG = LoggerFactory.getLogger(DeleteBatcher.class);
  private static final int BATCH = 10;
  private static final int MAX_ATTEMPTS = 3;

  private record Pending(Lease lease, int attempt) {}

  private final SqsAsyncClient sqs;
  private final String queueUrl;
  private final long intervalMillis;
  private final VisibilityHeartbeat heartbeat;
  private final Counters counters;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Object lock = new Object();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private ScheduledFuture<?> timer;
  private int callsInFlight;
  private int retriesScheduled;
  private CompletableFuture<Void> drained;

  public DeleteBatcher(
      SqsAsyncClient sqs,
      String queueUrl,
      Duration interval,
      VisibilityHeartbeat heartbeat,
      Counters counters,
      ScheduledExecutorService scheduler,
      Clock clock) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.intervalMillis = interval.toMillis();
    this.heartbeat = heartbeat;
    this.counters = counters;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /** Queues a handled message for deletion. */
  public void add(Lease lease) {
    add(new Pending(lease, 1), false);
  }

  private void add(Pending entry, boolean retry) {
    boolean flushAll;
    boolean flushFull;
    synchronized (lock) {
      if (retry) {
        retriesScheduled--;
      }
      pending.add(entry);
      flushAll =
          drained != null
              || intervalMillis == 0
              || entry.lease().deadlineMillis() - clock.millis() < heartbeat.marginMillis();
      flushFull = !flushAll && pending.size() >= BATCH;
      if (!flushAll && timer == null) {
        // also after a full-batch flush: it leaves any remainder for the timer
        timer = scheduler.schedule(this::flushFromTimer, intervalMillis, TimeUnit.MILLISECONDS);
      }
    }
    if (flushAll) {
      flush();
    } else if (flushFull) {
      flush(true);
    }
  }

  private void flushFromTimer() {
    synchronized (lock) {
      timer = null;
    }
    flush();
  }

  /** Sends everything pending, 10 per call. */
  public void flush() {
    flush(false);
  }

  /**
   * Sends pending entries 10 per call; with {@code fullOnly}, only full batches (several threads
   * adding at once would otherwise split one batch of 10 into a 9 and a 1).
   */
  private void flush(boolean fullOnly) {
    while (true) {
      List<Pending> batch = new ArrayList<>(BATCH);
      synchronized (lock) {
        if (fullOnly && pending.size() < BATCH) {
          return;
        }
        while (batch.size() < BATCH && !pending.isEmpty()) {
          batch.add(pending.poll());
        }
        if (batch.isEmpty()) {
          return;
        }
        callsInFlight++;
      }
      send(batch);
    }
  }

  /** Flushes everything, including retries; completes when nothing is pending or in flight. */
  public CompletableFuture<Void> flushAll() {
    CompletableFuture<Void> done;
    synchronized (lock) {
      if (drained == null) {
        drained = new CompletableFuture<>();
      }
      done = drained;
    }
    flush();
    checkDrained();
    return done;
  }

  private void send(List<Pending> batch) {
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
    Map<String, Pending> byId = new HashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      Pending entry = batch.get(i);
      byId.put(Integer.toString(i), entry);
      entries.add(
          DeleteMessageBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .receiptHandle(entry.lease().receiptHandle())
              .build());
    }
    CompletableFuture<DeleteMessageBatchResponse> call;
    try {
      call = sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    Async.whenComplete(
        call,
        (response, error) -> {
          try {
            if (error != null) {
              batch.forEach(entry -> retryOrGiveUp(entry, String.valueOf(error)));
            } else {
              settle(response, byId);
            }
          } finally {
            synchronized (lock) {
              callsInFlight--;
            }
            checkDrained();
          }
        },
        "deleting from " + queueUrl);
  }

  private void settle(DeleteMessageBatchResponse response, Map<String, Pending> byId) {
    response
        .successful()
        .forEach(
            ok -> {
              Lease lease = byId.get(ok.id()).lease();
              heartbeat.untrack(lease);
              counters.deleted(1);
              counters.finished(lease);
              lease.settled(Outcome.DELETED, null);
            });
    for (BatchResultErrorEntry failed : response.failed()) {
      Pending entry = byId.get(failed.id());
      if (failed.senderFault()) {
        giveUp(entry, failed.code() + ": " + failed.message());
      } else {
        retryOrGiveUp(entry, failed.code() + ": " + failed.message());
      }
    }
  }

  private void retryOrGiveUp(Pending entry, String reason) {
    if (entry.attempt() >= MAX_ATTEMPTS) {
      giveUp(entry, reason);
      return;
    }
    synchronized (lock) {
      retriesScheduled++; // keeps flushAll waiting until the retry is sent
    }
    Async.schedule(
        scheduler,
        () -> add(new Pending(entry.lease(), entry.attempt() + 1), true),
        100L << entry.attempt(),
        "retrying a delete");
  }

  private void giveUp(Pending entry, String reason) {
    heartbeat.untrack(entry.lease());
    counters.deleteFailed(1);
    counters.finished(entry.lease());
    LOG.warn(
        "could not delete message {} from {} after {} attempt(s) ({}): it will be redelivered",
        entry.lease().messageId(),
        queueUrl,
        entry.attempt(),
        reason);
    entry.lease().settled(Outcome.NOT_DELETED, "delete failed: " + reason);
  }

  private void checkDrained() {
    CompletableFuture<Void> done = null;
    boolean more;
    synchronized (lock) {
      more = drained != null && !pending.isEmpty();
      if (drained != null && pending.isEmpty() && callsInFlight == 0 && retriesScheduled == 0) {
        done = drained;
      }
    }
    if (more) {
      flush();
    }
    if (done != null) {
      done.complete(null);
    }
  }
}
