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

  void applied(String orderId, String instance, long fencingToken) {
    executions
        .computeIfAbsent(orderId, k -> new CopyOnWriteArrayList<>())
        .add(new Execution(instance, fencingToken));
  }

  void handledPayload(String key, String instance) {
    handledPayloads.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(instance);
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
