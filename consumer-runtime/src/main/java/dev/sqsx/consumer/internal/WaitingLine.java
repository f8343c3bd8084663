/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The messages waiting for a handler slot, and the order they may start in. Not thread-safe: the
 * dispatcher holds its lock around every call.
 */
interface WaitingLine {

  void add(Lease lease);

  /** The next message that may start now, or null. */
  Lease next();

  /** Tells the line a started message finished; returns waiting messages to release unhandled. */
  List<Lease> finished(Lease lease, boolean succeeded);

  /** Removes and returns everything waiting. */
  List<Lease> drainAll();

  /**
   * Puts a message that {@link #next()} gave out, and that did not start after all, back at the
   * head of the line (of its group, for FIFO), as if it had never been taken.
   */
  void putBack(Lease lease);

  /** Arrival order, any number at once. */
  static WaitingLine inOrder() {
    return new WaitingLine() {
      private final ArrayDeque<Lease> waiting = new ArrayDeque<>();

      @Override
      public void add(Lease lease) {
        waiting.add(lease);
      }

      @Override
      public Lease next() {
        return waiting.poll();
      }

      @Override
      public List<Lease> finished(Lease lease, boolean succeeded) {
        return List.of();
      }

      @Override
      public void putBack(Lease lease) {
        waiting.addFirst(lease);
      }

      @Override
      public List<Lease> drainAll() {
        List<Lease> all = new ArrayList<>(waiting);
        waiting.clear();
        return all;
      }
    };
  }

  /**
   * FIFO groups: one message of a group at a time, in order; groups in parallel. When a message
   * fails, the group's later waiting messages are released without being handled, so the group's
   * order holds (SQS gives them out again only after the failed one).
   */
  static WaitingLine byGroup() {
    return new WaitingLine() {
      private final Map<String, ArrayDeque<Lease>> waiting = new LinkedHashMap<>();
      private final Set<String> running = new HashSet<>();

      @Override
      public void add(Lease lease) {
        waiting.computeIfAbsent(group(lease), g -> new ArrayDeque<>()).add(lease);
      }

      @Override
      public Lease next() {
        Iterator<Map.Entry<String, ArrayDeque<Lease>>> groups = waiting.entrySet().iterator();
        while (groups.hasNext()) {
          Map.Entry<String, ArrayDeque<Lease>> group = groups.next();
          if (running.contains(group.getKey())) {
            continue;
          }
          Lease next = group.getValue().poll();
          if (group.getValue().isEmpty()) {
            groups.remove();
          }
          running.add(group.getKey());
          return next;
        }
        return null;
      }

      @Override
      public List<Lease> finished(Lease lease, boolean succeeded) {
        String group = group(lease);
        running.remove(group);
        if (succeeded) {
          return List.of();
        }
        ArrayDeque<Lease> later = waiting.remove(group);
        return later == null ? List.of() : new ArrayList<>(later);
      }

      @Override
      public void putBack(Lease lease) {
        String group = group(lease);
        running.remove(group);
        ArrayDeque<Lease> later = waiting.remove(group);
        ArrayDeque<Lease> again = new ArrayDeque<>();
        again.add(lease);
        if (later != null) {
          again.addAll(later);
        }
        // first in line again: a group put back is the oldest waiting
        Map<String, ArrayDeque<Lease>> rest = new LinkedHashMap<>(waiting);
        waiting.clear();
        waiting.put(group, again);
        waiting.putAll(rest);
      }

      @Override
      public List<Lease> drainAll() {
        List<Lease> all = new ArrayList<>();
        waiting.values().forEach(all::addAll);
        waiting.clear();
        return all;
      }

      private String group(Lease lease) {
        return lease.received().messageGroupId().orElse("");
      }
    };
  }
}
