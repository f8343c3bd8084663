/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * The receives open on one SQS client, shared by every consumer that uses it, so their long polls
 * leave connections for the client's other calls. Each consumer {@linkplain #join joins} with one
 * base receive (its first poll loop, which always polls); its other loops open a receive only while
 * the open ones plus the base receives not open now stay below the consumer's limit, so a base
 * receive always finds room. A consumer whose base receive would not fit is refused at start.
 *
 * <p>Thread-safe; one budget per client object ({@link #of}), held while any consumer uses it.
 */
public final class LongPollBudget {

  private static final Map<Object, LongPollBudget> BUDGETS = new WeakHashMap<>();

  private int members;
  private int open;
  private int baseOpen;
  private final Queue<WaitingBase> waitingBases = new ArrayDeque<>();

  private record WaitingBase(int limit, CompletableFuture<Boolean> turn) {}

  LongPollBudget() {}

  /** The budget of {@code client} (the object the user passed: async or sync client). */
  public static LongPollBudget of(Object client) {
    synchronized (BUDGETS) {
      return BUDGETS.computeIfAbsent(client, c -> new LongPollBudget());
    }
  }

  /**
   * Adds a consumer with the given limit: true when its base receive fits (the consumers already
   * joined plus this one are at most {@code limit}), false (and nothing changed) when not.
   */
  public synchronized boolean join(int limit) {
    if (members + 1 > limit) {
      return false;
    }
    members++;
    return true;
  }

  /** Removes a consumer that {@link #join joined} (its receives have all ended). */
  public synchronized void leave() {
    members = Math.max(0, members - 1);
  }

  /** The consumers joined, for the start-up error message. */
  public synchronized int members() {
    return members;
  }

  /** The receives open now. */
  public synchronized int open() {
    return open;
  }

  /**
   * Opens a base receive: at once unless extra receives fill the budget (possible only just after a
   * consumer joined), then as soon as one of them ends. Completes with true when opened (end it
   * with {@link #closeBase()}), false when {@linkplain #abandon abandoned} first.
   */
  public synchronized CompletableFuture<Boolean> openBase(int limit) {
    if (open < limit && waitingBases.isEmpty()) {
      open++;
      baseOpen++;
      return CompletableFuture.completedFuture(true);
    }
    CompletableFuture<Boolean> turn = new CompletableFuture<>();
    waitingBases.add(new WaitingBase(limit, turn));
    return turn;
  }

  /** Gives up waiting for a base receive (a stopping consumer); no-op once it was opened. */
  public void abandon(CompletableFuture<Boolean> turn) {
    boolean removed;
    synchronized (this) {
      removed = waitingBases.removeIf(waiting -> waiting.turn() == turn);
    }
    if (removed) {
      turn.complete(false);
    }
  }

  /** Ends a base receive. */
  public void closeBase() {
    CompletableFuture<Boolean> next;
    synchronized (this) {
      open--;
      baseOpen--;
      next = handOver();
    }
    complete(next);
  }

  /**
   * Opens an extra receive when it leaves room for every joined consumer's base receive within
   * {@code limit}: true when opened (end it with {@link #closeExtra()}), false when not.
   */
  public synchronized boolean tryOpenExtra(int limit) {
    if (!waitingBases.isEmpty() || open + (members - baseOpen) >= limit) {
      return false;
    }
    open++;
    return true;
  }

  /** Ends an extra receive. */
  public void closeExtra() {
    CompletableFuture<Boolean> next;
    synchronized (this) {
      open--;
      next = handOver();
    }
    complete(next);
  }

  /** Gives the freed slot to a waiting base receive, if any (called holding the lock). */
  private CompletableFuture<Boolean> handOver() {
    WaitingBase next = waitingBases.peek();
    if (next == null || open >= next.limit()) {
      return null;
    }
    waitingBases.poll();
    open++;
    baseOpen++;
    return next.turn();
  }

  private static void complete(CompletableFuture<Boolean> next) {
    if (next != null) {
      next.complete(true);
    }
  }
}
