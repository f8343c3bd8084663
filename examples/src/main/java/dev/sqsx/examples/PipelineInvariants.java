/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo's promises, checked at the end: every order's effect applied exactly once, or the order
 * is in the DLQ (and applied never); nothing lost; no payload left behind except those of
 * dead-lettered messages; the queue drained.
 */
final class PipelineInvariants {

  /**
   * What the run left behind.
   *
   * @param orders how many distinct orders were sent
   * @param effects how often each order's effect was applied
   * @param deadLettered order ids found in the DLQ
   * @param expectedPoison the orders that must be dead-lettered
   * @param leftoverPayloads payloads still stored (S3 objects + DynamoDB payloads)
   * @param deadLetteredPayloads payloads the DLQ's pointer messages still need
   * @param messagesLeft messages still in the queue (visible or in flight)
   */
  record Outcome(
      int orders,
      Map<Integer, Integer> effects,
      Set<Integer> deadLettered,
      Set<Integer> expectedPoison,
      long leftoverPayloads,
      long deadLetteredPayloads,
      long messagesLeft) {}

  private PipelineInvariants() {}

  /** The broken promises; empty when every invariant holds. */
  static List<String> violations(Outcome outcome) {
    List<String> violations = new ArrayList<>();
    for (int order = 0; order < outcome.orders(); order++) {
      int applied = outcome.effects().getOrDefault(order, 0);
      boolean dead = outcome.deadLettered().contains(order);
      if (applied > 1) {
        violations.add("order " + order + " applied " + applied + " times");
      } else if (applied == 1 && dead) {
        violations.add("order " + order + " applied and also in the DLQ");
      } else if (applied == 0 && !dead) {
        violations.add("order " + order + " lost: never applied and not in the DLQ");
      }
      if (dead != outcome.expectedPoison().contains(order)) {
        violations.add(
            "order "
                + order
                + (dead ? " dead-lettered but it was valid" : " is poison but not in the DLQ"));
      }
    }
    if (outcome.leftoverPayloads() != outcome.deadLetteredPayloads()) {
      violations.add(
          outcome.leftoverPayloads()
              + " payload(s) left in S3/DynamoDB, but dead-lettered messages need "
              + outcome.deadLetteredPayloads());
    }
    if (outcome.messagesLeft() != 0) {
      violations.add(outcome.messagesLeft() + " message(s) still in the queue");
    }
    return violations.size() > 20
        ? append(violations.subList(0, 20), "... and " + (violations.size() - 20) + " more")
        : violations;
  }

  private static List<String> append(List<String> head, String tail) {
    List<String> all = new ArrayList<>(head);
    all.add(tail);
    return all;
  }
}
