/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples.boot;

import dev.sqsx.spring.MessageAttribute;
import dev.sqsx.spring.SqsxListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** Applies each order once: duplicates are suppressed by the idempotency key {@code /orderId}. */
@Component
public class OrderListener {

  /** An order, read from the message's JSON body. */
  public record Order(int orderId, long amount, String attachment) {}

  private final Map<Integer, Integer> applied = new ConcurrentHashMap<>();
  private final AtomicInteger largestAttachment = new AtomicInteger();

  @SqsxListener(queue = "${orders.queue}", concurrency = 8, idempotencyKey = "/orderId")
  void onOrder(Order order, @MessageAttribute("channel") String channel) {
    applied.merge(order.orderId(), 1, Integer::sum);
    largestAttachment.accumulateAndGet(order.attachment().length(), Math::max);
  }

  /** Order id → times applied. */
  Map<Integer, Integer> applied() {
    return applied;
  }

  int largestAttachment() {
    return largestAttachment.get();
  }
}
