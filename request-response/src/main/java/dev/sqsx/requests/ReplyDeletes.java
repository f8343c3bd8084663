/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;

/**
 * The reply deletes of one reply queue, gathered off the replies' critical path: the receipt
 * handles wait until 10 are pending (one full {@code DeleteMessageBatch}) or {@code interval} has
 * passed since the first of them, whichever comes first; an interval of zero sends each receive's
 * handles at once. A delete that fails, whole or per entry, is counted and logged (at most one WARN
 * line per 10 s, with the count of those not logged); the reply comes back after the queue's
 * visibility timeout and is dropped by correlation id (counted duplicate or late). Never throws.
 * Thread-safe.
 *
 * <p>Every batch taken from the pending handles is tracked until SQS answered its delete: a full
 * batch that {@link #add(List)} handed out but whose receive is still delivering is sent by
 * whichever comes first, {@link #sendAll(List)} or {@link #flushAndStopWaiting()}, and {@link
 * #flushAndStopWaiting()} waits for every delete already sent (a timed flush in flight too); {@link
 * #discard()} forgets the unsent ones as well.
 */
final class ReplyDeletes {

  static final int BATCH = 10;

  private static final Logger LOG = LoggerFactory.getLogger(SqsRequester.class);
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final SqsAsyncClient sqs;
  private final String url;
  private final long intervalNanos;
  private final ScheduledExecutorService scheduler;
  private final LongAdder failures;
  private final Object lock = new Object();

  private List<String> pending = new ArrayList<>(BATCH);
  // batches add() handed out that sendAll() has not sent yet, by identity
  private final IdentityHashMap<List<String>, Boolean> unsent = new IdentityHashMap<>();
  // the deletes sent (or about to be) whose answer has not come
  private final Set<CompletableFuture<Void>> unanswered =
      Collections.newSetFromMap(new IdentityHashMap<>());
  private Future<?> timer;
  private long
      timerGeneration; // a timer that fires after it was cancelled or replaced does nothing
  private boolean discarded;
  private boolean immediate;
  private long lastWarnNanos;
  private long unwarned;
  private boolean warnedOnce;

  ReplyDeletes(
      SqsAsyncClient sqs,
      String url,
      Duration interval,
      ScheduledExecutorService scheduler,
      LongAdder failures) {
    this.sqs = sqs;
    this.url = url;
    this.intervalNanos = interval.toNanos();
    this.scheduler = scheduler;
    this.failures = failures;
  }

  /**
   * Adds the receipt handles of one receive and returns the full batches among them, for {@link
   * #sendAll(List)} once the replies were delivered; the rest wait for their batch or the interval.
   */
  List<List<String>> add(List<String> receiptHandles) {
    List<List<String>> due = new ArrayList<>(1);
    synchronized (lock) {
      if (discarded) {
        return due;
      }
      for (String handle : receiptHandles) {
        pending.add(handle);
        if (pending.size() == BATCH) {
          due.add(takeLocked());
        }
      }
      for (List<String> batch : due) {
        unsent.put(batch, Boolean.TRUE);
      }
      if (!pending.isEmpty() && timer == null) {
        List<String> now = null;
        if (intervalNanos == 0 || immediate) {
          now = takeLocked();
        } else {
          try {
            long generation = ++timerGeneration;
            timer =
                scheduler.schedule(() -> flushDue(generation), intervalNanos, TimeUnit.NANOSECONDS);
          } catch (RejectedExecutionException stopped) { // the requester is closing: send now
            now = takeLocked();
          }
        }
        if (now != null) {
          due.add(now);
          unsent.put(now, Boolean.TRUE);
        }
      }
    }
    return due;
  }

  /**
   * Sends the batches {@link #add(List)} returned, unless {@link #flushAndStopWaiting()} sent them
   * already or {@link #discard()} forgot them.
   */
  void sendAll(List<List<String>> batches) {
    for (List<String> batch : batches) {
      CompletableFuture<Void> done;
      synchronized (lock) {
        if (unsent.remove(batch) == null) {
          continue;
        }
        done = unansweredLocked();
      }
      send(batch, done);
    }
  }

  private void flushDue(long generation) {
    List<String> due;
    CompletableFuture<Void> done;
    synchronized (lock) {
      if (generation != timerGeneration || timer == null) {
        return; // cancelled or replaced while it fired: the live timer (if any) is another
      }
      timer = null;
      if (pending.isEmpty()) {
        return;
      }
      due = takeLocked();
      done = unansweredLocked();
    }
    send(due, done);
  }

  private CompletableFuture<Void> unansweredLocked() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    unanswered.add(done);
    return done;
  }

  /**
   * Sends what is pending now, and from now on every receive's handles at once (the requester is
   * closing); the future completes when SQS answered (never exceptionally).
   */
  CompletableFuture<Void> flushAndStopWaiting() {
    List<List<String>> due = new ArrayList<>(2);
    List<CompletableFuture<Void>> dones = new ArrayList<>();
    List<CompletableFuture<Void>> waitFor;
    synchronized (lock) {
      immediate = true;
      due.addAll(unsent.keySet()); // a receive still delivering filled them: send them now
      unsent.clear();
      if (!pending.isEmpty()) {
        due.add(takeLocked());
      }
      for (int i = 0; i < due.size(); i++) {
        dones.add(unansweredLocked());
      }
      waitFor = new ArrayList<>(unanswered); // and the deletes in flight (a timed flush)
    }
    for (int i = 0; i < due.size(); i++) {
      send(due.get(i), dones.get(i));
    }
    return CompletableFuture.allOf(waitFor.toArray(CompletableFuture[]::new));
  }

  /**
   * Forgets what is pending and sends nothing more (the queue is gone or about to be); the future
   * completes (never exceptionally) when the deletes already sent were answered, so that a queue
   * deleted after it does not fail them.
   */
  CompletableFuture<Void> discard() {
    synchronized (lock) {
      discarded = true;
      pending = new ArrayList<>(0);
      unsent.clear();
      cancelTimerLocked();
      return CompletableFuture.allOf(unanswered.toArray(CompletableFuture[]::new));
    }
  }

  /** The receipt handles waiting to be deleted. */
  int pendingCount() {
    synchronized (lock) {
      return pending.size();
    }
  }

  private List<String> takeLocked() {
    List<String> taken = pending;
    pending = new ArrayList<>(BATCH);
    cancelTimerLocked();
    return taken;
  }

  private void cancelTimerLocked() {
    timerGeneration++;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** Sends one batch and completes {@code done} (never exceptionally) once SQS answered. */
  private void send(List<String> handles, CompletableFuture<Void> done) {
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(handles.size());
    for (String handle : handles) {
      entries.add(
          DeleteMessageBatchRequestEntry.builder()
              .id(Integer.toString(entries.size()))
              .receiptHandle(handle)
              .build());
    }
    try {
      var unused =
          sqs.deleteMessageBatch(r -> r.queueUrl(url).entries(entries))
              .whenComplete(
                  (response, error) -> {
                    try {
                      if (error != null) {
                        failed(
                            entries.size(),
                            "deleting "
                                + entries.size()
                                + " replies failed: "
                                + SqsRequester.unwrap(error));
                      } else if (!response.failed().isEmpty()) {
                        failed(
                            response.failed().size(),
                            "deleting "
                                + response.failed().size()
                                + " of "
                                + entries.size()
                                + " replies failed: "
                                + codes(response.failed()));
                      }
                    } finally {
                      answered(done);
                    }
                  });
    } catch (RuntimeException e) {
      failed(entries.size(), "deleting " + entries.size() + " replies failed: " + e);
      answered(done);
    }
  }

  private void answered(CompletableFuture<Void> done) {
    synchronized (lock) {
      unanswered.remove(done);
    }
    done.complete(null);
  }

  /**
   * Counts and logs (rate-limited with the others) one reply delete that failed outside the
   * batches: an unreadable reply's own {@code DeleteMessage}.
   */
  void failedElsewhere(String what) {
    failed(1, what);
  }

  private static String codes(List<BatchResultErrorEntry> failed) {
    StringBuilder codes = new StringBuilder();
    for (BatchResultErrorEntry entry : failed) {
      if (codes.length() > 0) {
        codes.append(", ");
      }
      codes.append(entry.code());
      if (codes.length() > 200) {
        codes.append(", …");
        break;
      }
    }
    return codes.toString();
  }

  private void failed(int count, String what) {
    failures.add(count);
    long now = System.nanoTime();
    long notLogged;
    synchronized (lock) {
      if (warnedOnce && now - lastWarnNanos < WARN_EVERY_NANOS) {
        unwarned++;
        return;
      }
      warnedOnce = true;
      lastWarnNanos = now;
      notLogged = unwarned;
      unwarned = 0;
    }
    LOG.warn(
        "reply queue {}: {} (they come back after the visibility timeout and are dropped as"
            + " duplicates){}",
        url,
        what,
        notLogged == 0
            ? ""
            : "; " + notLogged + " more failed deletes not logged in the last 10 s");
  }
}
