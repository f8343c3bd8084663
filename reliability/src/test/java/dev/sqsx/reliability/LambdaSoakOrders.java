/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.reliability;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * The Lambda soak's orders: ids, FIFO group and position, which are offloaded (one in five, in
 * every FIFO group, above the lowered threshold, to S3), which are poison (about one in a hundred,
 * in different groups, every other one offloaded) and which fail their first attempt (one in ten of
 * the others, chosen by the seed).
 */
final class LambdaSoakOrders {

  /**
   * FIFO message groups: order {@code n} is message {@code n / GROUPS} of group {@code n % GROUPS}.
   */
  static final int GROUPS = 20;

  private final int count;
  private final Set<Integer> failFirst = new HashSet<>();

  LambdaSoakOrders(int count, long seed) {
    this.count = count;
    Random random = new Random(seed);
    for (int order = 0; order < count; order++) {
      if (random.nextDouble() < 0.10 && !poison(order)) {
        failFirst.add(order);
      }
    }
  }

  int count() {
    return count;
  }

  static int order(String orderId) {
    return Integer.parseInt(orderId.substring(2));
  }

  static int group(int order) {
    return order % GROUPS;
  }

  /** The order's position in its FIFO group (the send order). */
  static int position(int order) {
    return order / GROUPS;
  }

  /** Poison by design: its handler throws {@code NonRetryableException}; it must end in the DLQ. */
  static boolean poison(int order) {
    return order % 101 == 41;
  }

  /**
   * Sent through S3 (a body above {@link SoakOrders#THRESHOLD}): one in five of each FIFO group's
   * positions (not {@code order % 5}, which would offload whole groups), every other poison order.
   */
  static boolean offloaded(int order) {
    if (poison(order)) {
      return order / 101 % 2 == 1;
    }
    return (position(order) + group(order)) % 5 == 2;
  }

  /** Whether the first attempt of this order's handler fails (a retryable error). */
  boolean failsFirst(int order) {
    return failFirst.contains(order);
  }

  int poisonCount() {
    int poison = 0;
    for (int order = 0; order < count; order++) {
      poison += poison(order) ? 1 : 0;
    }
    return poison;
  }

  /** A JSON order of 100..999 bytes, or of 20..60 KB when offloaded. */
  static String body(int order, Random random) {
    int size =
        offloaded(order)
            ? SoakOrders.THRESHOLD + 4096 + random.nextInt(40 * 1024)
            : 100 + random.nextInt(900);
    StringBuilder body =
        new StringBuilder("{\"orderId\":\"")
            .append(SoakOrders.id(order))
            .append("\",\"poison\":")
            .append(poison(order))
            .append(",\"pad\":\"");
    while (body.length() < size) {
      body.append((char) ('a' + random.nextInt(26)));
    }
    return body.append("\"}").toString();
  }
}
