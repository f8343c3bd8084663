/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Counts SDK requests by operation, for cost figures (requests per message). */
final class RequestCounter implements ExecutionInterceptor {

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String operation = context.request().getClass().getSimpleName().replace("Request", "");
    counts.computeIfAbsent(operation, k -> new LongAdder()).increment();
  }

  long count(String operation) {
    LongAdder count = counts.get(operation);
    return count == null ? 0 : count.sum();
  }

  long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  void reset() {
    counts.clear();
  }

  @Override
  public String toString() {
    return new java.util.TreeMap<>(counts).toString();
  }
}
