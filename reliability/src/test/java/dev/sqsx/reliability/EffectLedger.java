/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.reliability;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The side effects the soak's handlers applied: for each order, every execution with the instance
 * that ran it and the fencing token it held. It stands for the external system a real handler
 * writes to, so it outlives the instances that crash.
 */
final class EffectLedger {

  /** One application of an order's effect. */
  record Execution(String instance, long fencingToken) {}

  private final Map<String, List<Execution>> executions = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> handledPayloads = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> sqsHandles = new ConcurrentHashMap<>();
  private final List<String> missingPayloads = new CopyOnWriteArrayList<>();

  void applied(String orderId, String instance, long fencingToken) {
    executions
        .computeIfAbsent(orderId, k -> new CopyOnWriteArrayList<>())
        .add(new Execution(instance, fencingToken));
  }

  /**
   * A message with an offloaded payload was handled; {@code receiptHandle} is the one the consumer
   * saw (the SQS handle follows the last marker).
   */
  void handledPayload(String key, String instance, String receiptHandle) {
    handledPayloads.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(instance);
    int marker = receiptHandle.lastIndexOf("..-");
    sqsHandles
        .computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet())
        .add(receiptHandle.substring(marker + 3));
  }

  /** The SQS receipt handles of the deliveries of a payload's message that were handled. */
  /**
   * A receive found a message whose payload was gone: a payload deleted while a pointer to it still
   * lived (the payload-lifetime rule forbids it).
   */
  void missingPayload(String instance, String messageId) {
    missingPayloads.add("message " + messageId + " received by " + instance);
  }

  List<String> missingPayloads() {
    return List.copyOf(missingPayloads);
  }

  Set<String> sqsHandles(String key) {
    return Set.copyOf(sqsHandles.getOrDefault(key, Set.of()));
  }

  int ordersApplied() {
    return executions.size();
  }

  Map<String, List<Execution>> executions() {
    return Map.copyOf(executions);
  }

  /** The payload keys of handled messages, with the instances that handled them. */
  Map<String, Set<String>> handledPayloads() {
    return Map.copyOf(handledPayloads);
  }
}
