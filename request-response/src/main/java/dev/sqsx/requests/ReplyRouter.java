/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The requests waiting for a reply, and a memory of those recently settled, so that each reply is
 * delivered to its own request at most once and every other reply is classified (duplicate, late,
 * unknown). Thread-safe.
 */
final class ReplyRouter {

  /** What became of a reply. */
  enum Routing {
    DELIVERED,
    DUPLICATE,
    LATE,
    UNKNOWN
  }

  /** How a request ended, remembered for the replies that come after. */
  private enum Settled {
    ANSWERED,
    ABANDONED
  }

  /** A request waiting for its reply. */
  static final class Pending {
    final CompletableFuture<Reply> future;
    final String queueUrl;
    final long startNanos;
    final String replyTo;
    volatile Future<?> timeout;

    Pending(CompletableFuture<Reply> future, String queueUrl, long startNanos) {
      this(future, queueUrl, startNanos, null);
    }

    Pending(CompletableFuture<Reply> future, String queueUrl, long startNanos, String replyTo) {
      this.future = future;
      this.queueUrl = queueUrl;
      this.startNanos = startNanos;
      this.replyTo = replyTo;
    }

    /** Cancels the timeout, if it was scheduled. */
    void cancelTimeout() {
      Future<?> scheduled = timeout;
      if (scheduled != null) {
        scheduled.cancel(false);
      }
    }
  }

  private record Memory(String correlationId, long atNanos) {}

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, Settled> settled = new ConcurrentHashMap<>();
  private final ArrayDeque<Memory> order = new ArrayDeque<>();
  private final LongSupplier nanoTime;
  private final long memoryNanos;
  private final int memoryLimit;

  final LongAdder delivered = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder late = new LongAdder();
  final LongAdder unknown = new LongAdder();

  /**
   * @param memoryNanos how long a settled request is remembered
   * @param memoryLimit at most this many settled requests are remembered (the oldest go first)
   */
  ReplyRouter(LongSupplier nanoTime, long memoryNanos, int memoryLimit) {
    this.nanoTime = nanoTime;
    this.memoryNanos = memoryNanos;
    this.memoryLimit = memoryLimit;
  }

  void register(String correlationId, Pending request) {
    pending.put(correlationId, request);
  }

  /** Takes the request out of the waiting ones if it still waits; null otherwise. */
  Pending abandon(String correlationId) {
    Pending request = pending.remove(correlationId);
    if (request != null) {
      remember(correlationId, Settled.ABANDONED);
    }
    return request;
  }

  /**
   * Takes the request a reply answers out of the waiting ones and returns it (the caller completes
   * it), or returns null and says in {@code routing} why the reply has no taker.
   */
  Pending route(String correlationId, Routing[] routing) {
    if (correlationId == null) {
      unknown.increment();
      routing[0] = Routing.UNKNOWN;
      return null;
    }
    Pending request = pending.remove(correlationId);
    if (request != null) {
      remember(correlationId, Settled.ANSWERED);
      delivered.increment();
      routing[0] = Routing.DELIVERED;
      return request;
    }
    Settled before = settled.get(correlationId);
    if (before == Settled.ANSWERED) {
      duplicates.increment();
      routing[0] = Routing.DUPLICATE;
    } else if (before == Settled.ABANDONED) {
      late.increment();
      routing[0] = Routing.LATE;
    } else {
      unknown.increment();
      routing[0] = Routing.UNKNOWN;
    }
    return null;
  }

  /** Takes every waiting request out (the requester is closing). */
  Map<String, Pending> drain() {
    return drain(request -> true);
  }

  /** Takes the waiting requests that {@code which} selects out. */
  Map<String, Pending> drain(java.util.function.Predicate<Pending> which) {
    Map<String, Pending> all = new ConcurrentHashMap<>();
    for (Map.Entry<String, Pending> entry : pending.entrySet()) {
      if (!which.test(entry.getValue())) {
        continue;
      }
      String id = entry.getKey();
      Pending request = abandon(id);
      if (request != null) {
        all.put(id, request);
      }
    }
    return all;
  }

  int pendingCount() {
    return pending.size();
  }

  private void remember(String correlationId, Settled how) {
    long now = nanoTime.getAsLong();
    synchronized (order) {
      settled.put(correlationId, how);
      order.addLast(new Memory(correlationId, now));
      Memory oldest;
      while ((oldest = order.peekFirst()) != null
          && (order.size() > memoryLimit || now - oldest.atNanos() > memoryNanos)) {
        order.removeFirst();
        settled.remove(oldest.correlationId());
      }
    }
  }
}
