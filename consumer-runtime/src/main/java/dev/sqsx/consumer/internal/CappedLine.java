/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A standard queue's line with a per-group cap ({@code maxInFlightPerGroup}): arrival order, except
 * that a message whose group already runs {@code cap} messages waits while later messages of other
 * groups (or of none) start. A failure releases nothing (a standard queue keeps no group order).
 *
 * <p>A message that waits behind its own group's cap when it arrives is <em>parked</em>: up to
 * {@code parkLimit} parked messages give their receive permit back at once ({@link
 * #takeNewlyParked()}), so a flooding group does not use up the prefetch and stop the receives that
 * bring the other groups' messages. Not thread-safe: the dispatcher holds its lock around every
 * call.
 */
final class CappedLine implements WaitingLine {

  private final int cap;
  private final int parkLimit;
  private final ArrayDeque<Lease> waiting = new ArrayDeque<>();
  private final Map<String, Integer> waitingPerGroup = new HashMap<>();
  private final Map<String, Integer> runningPerGroup = new HashMap<>();
  private final Set<Lease> running = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Set<Lease> permitless = Collections.newSetFromMap(new IdentityHashMap<>());
  private List<Lease> newlyParked = new ArrayList<>();

  CappedLine(int cap, int parkLimit) {
    this.cap = cap;
    this.parkLimit = parkLimit;
  }

  @Override
  public void add(Lease lease) {
    String group = group(lease);
    if (group != null) {
      int ahead = runningPerGroup.getOrDefault(group, 0) + waitingPerGroup.getOrDefault(group, 0);
      if (ahead >= cap && permitless.size() < parkLimit) {
        permitless.add(lease);
        newlyParked.add(lease);
      }
      waitingPerGroup.merge(group, 1, Integer::sum);
    }
    waiting.add(lease);
  }

  /** The messages parked since the last call, whose permits the dispatcher gives back. */
  List<Lease> takeNewlyParked() {
    if (newlyParked.isEmpty()) {
      return List.of();
    }
    List<Lease> parked = newlyParked;
    newlyParked = new ArrayList<>();
    return parked;
  }

  @Override
  public Lease next() {
    Iterator<Lease> it = waiting.iterator();
    while (it.hasNext()) {
      Lease lease = it.next();
      String group = group(lease);
      if (group != null && runningPerGroup.getOrDefault(group, 0) >= cap) {
        continue;
      }
      it.remove();
      if (group != null) {
        decrement(waitingPerGroup, group);
        runningPerGroup.merge(group, 1, Integer::sum);
        running.add(lease);
      }
      permitless.remove(lease);
      return lease;
    }
    return null;
  }

  @Override
  public List<Lease> finished(Lease lease, boolean succeeded) {
    if (running.remove(lease)) {
      decrement(runningPerGroup, group(lease));
    }
    return List.of();
  }

  @Override
  public void putBack(Lease lease) {
    String group = group(lease);
    if (running.remove(lease)) {
      decrement(runningPerGroup, group);
    }
    if (group != null) {
      waitingPerGroup.merge(group, 1, Integer::sum);
    }
    waiting.addFirst(lease);
  }

  @Override
  public List<Lease> drainAll() {
    List<Lease> all = new ArrayList<>(waiting);
    waiting.clear();
    waitingPerGroup.clear();
    permitless.clear();
    return all;
  }

  private static void decrement(Map<String, Integer> counts, String group) {
    counts.computeIfPresent(group, (g, n) -> n <= 1 ? null : n - 1);
  }

  private static String group(Lease lease) {
    return lease.received().messageGroupId().orElse(null);
  }
}
