/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Registers a handler's counts as Micrometer counters; loaded only when a registry is given. */
public final class IdempotencyMeters {

  private IdempotencyMeters() {}

  /** Registers {@code sqsx.idempotency.<name>} for each count, tagged with the namespace. */
  public static void register(
      MeterRegistry registry, String namespace, Map<String, LongAdder> counts) {
    counts.forEach(
        (name, count) ->
            FunctionCounter.builder("sqsx.idempotency." + name, count, LongAdder::sum)
                .tag("namespace", namespace)
                .register(registry));
  }
}
