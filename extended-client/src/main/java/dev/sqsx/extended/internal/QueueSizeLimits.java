/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest message each target (a queue, a topic) accepts — its {@code MaximumMessageSize} —
 * read once per target and kept for a refresh interval, so the {@code auto} threshold offloads
 * exactly what the target would refuse. Concurrent first sends to one target share one read. A read
 * that fails, or an answer without a valid value (an emulator that ignores the attribute), gives
 * {@link #FALLBACK}, the limit every queue and topic had before they could be raised; the first
 * such answer for a target is logged at WARN, later ones at DEBUG, and the read is tried again
 * after the refresh interval. Thread-safe.
 */
public final class QueueSizeLimits {

  /** The limit assumed when a target's own cannot be read: 262,144 bytes. */
  public static final int FALLBACK = 262_144;

  /** The smallest limit a queue or topic can have: 1,024 bytes. */
  public static final int MINIMUM = 1_024;

  /** The largest limit a queue or topic can have: 1,048,576 bytes. */
  public static final int MAXIMUM = 1_048_576;

  private static final Logger LOG = LoggerFactory.getLogger(QueueSizeLimits.class);

  /** What a read returns: the attribute's value as the service answered it (null: absent). */
  private final Function<String, CompletableFuture<String>> read;

  private final long refreshNanos;
  private final LongSupplier nanoTime;
  private final String kind;
  private final Map<String, Entry> limits = new ConcurrentHashMap<>();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  private record Entry(CompletableFuture<Integer> limit, long readAtNanos) {}

  /**
   * @param kind what a target is, for log lines ({@code queue}, {@code topic})
   * @param read reads a target's {@code MaximumMessageSize} attribute (null when the answer has
   *     none)
   * @param refresh how long an answer is kept
   * @param nanoTime the monotonic clock ({@code System::nanoTime}; a fake one in tests)
   */
  public QueueSizeLimits(
      String kind,
      Function<String, CompletableFuture<String>> read,
      Duration refresh,
      LongSupplier nanoTime) {
    this.kind = kind;
    this.read = read;
    this.refreshNanos = refresh.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * The target's limit: the kept answer, or a new read when there is none or it is older than the
   * refresh interval. Never fails: a failed read completes with {@link #FALLBACK}.
   */
  public CompletableFuture<Integer> limitOf(String target) {
    long now = nanoTime.getAsLong();
    Entry entry =
        limits.compute(
            target,
            (key, kept) ->
                kept != null && now - kept.readAtNanos() < refreshNanos
                    ? kept
                    : new Entry(readLimit(key), now));
    return entry.limit();
  }

  /** The limit last read for a target, if one was read and is known by now. */
  public OptionalInt known(String target) {
    Entry entry = limits.get(target);
    if (entry == null || !entry.limit().isDone()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(entry.limit().join());
  }

  /**
   * Forgets the kept limit of a target that refused a message sent against {@code used} bytes (its
   * limit was lowered since it was read), so the next {@link #limitOf} reads it again. Only an
   * answer that is known and equal to {@code used} is forgotten: of many sends refused at once, the
   * first makes the new read and the others share it.
   *
   * @return whether the kept answer was {@code used} (a fresh one is now read or being read)
   */
  public boolean forget(String target, long used) {
    long[] forgotten = {0};
    limits.computeIfPresent(
        target,
        (key, kept) -> {
          if (kept.limit().isDone()
              && !kept.limit().isCompletedExceptionally()
              && kept.limit().join() == used) {
            forgotten[0] = 1;
            return null;
          }
          return kept;
        });
    if (forgotten[0] == 1) {
      LOG.info(
          "{} {} refused a message within its MaximumMessageSize as last read ({} bytes):"
              + " reading it again",
          kind,
          target,
          used);
      return true;
    }
    Entry entry = limits.get(target);
    return entry != null && !entry.limit().isDone();
  }

  private CompletableFuture<Integer> readLimit(String target) {
    CompletableFuture<String> answer;
    try {
      answer = read.apply(target);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.handle(
        (value, error) -> {
          if (error != null) {
            return fallback(target, "could not be read (" + Futures.unwrap(error) + ")");
          }
          if (value == null) {
            return fallback(target, "was not in the answer");
          }
          try {
            int limit = Integer.parseInt(value.trim());
            if (limit >= MINIMUM && limit <= MAXIMUM) {
              return limit;
            }
          } catch (NumberFormatException e) {
            // falls through to the fallback below
          }
          return fallback(target, "was not a size of " + MINIMUM + ".." + MAXIMUM + " bytes");
        });
  }

  private int fallback(String target, String why) {
    if (warned.add(target)) {
      LOG.warn(
          "MaximumMessageSize of {} {} {}: offloading what is over {} bytes, and reading it again"
              + " in {} s (grant sqs:GetQueueAttributes / sns:GetTopicAttributes, or set a fixed"
              + " payloadSizeThreshold)",
          kind,
          target,
          why,
          FALLBACK,
          refreshNanos / 1_000_000_000L);
    } else {
      LOG.debug("MaximumMessageSize of {} {} {} again", kind, target, why);
    }
    return FALLBACK;
  }
}
