/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

import dev.sqsx.idempotency.internal.IdempotencyMeters;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What one {@link IdempotentHandler} counts, read as {@link IdempotencyStats} or as meters. */
final class HandlerCounters {

  final LongAdder claimed = new LongAdder();
  final LongAdder takeovers = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder inProgress = new LongAdder();
  final LongAdder conflicts = new LongAdder();
  final LongAdder fencing = new LongAdder();
  final LongAdder resultsOmitted = new LongAdder();
  final LongAdder renewalFailures = new LongAdder();

  /** Publishes the counters as {@code sqsx.idempotency.*} meters tagged with the namespace. */
  void register(io.micrometer.core.instrument.MeterRegistry registry, String namespace) {
    IdempotencyMeters.register(
        registry,
        namespace,
        Map.of(
            "claimed", claimed,
            "takeovers", takeovers,
            "duplicates.suppressed", duplicates,
            "duplicates.in.progress", inProgress,
            "conflicts", conflicts,
            "fencing.rejections", fencing,
            "results.omitted", resultsOmitted,
            "renewal.failures", renewalFailures));
  }

  IdempotencyStats snapshot() {
    return new IdempotencyStats(
        claimed.sum(),
        takeovers.sum(),
        duplicates.sum(),
        inProgress.sum(),
        conflicts.sum(),
        fencing.sum(),
        resultsOmitted.sum(),
        renewalFailures.sum());
  }
}
