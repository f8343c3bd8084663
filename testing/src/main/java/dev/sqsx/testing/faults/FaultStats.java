/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.faults;

import java.util.Map;

/**
 * What a {@link FaultInjector} did so far.
 *
 * @param requests HTTP requests that passed through it (each SDK attempt counts once)
 * @param injected failures injected, by kind (kinds never injected are absent)
 * @param byService failures injected, by service ({@code sqs}, {@code s3}, {@code dynamodb})
 * @param delayed requests delayed by injected latency
 * @param refused requests refused while partitioned
 */
public record FaultStats(
    long requests,
    Map<Fault, Long> injected,
    Map<String, Long> byService,
    long delayed,
    long refused) {

  public FaultStats {
    injected = Map.copyOf(injected);
    byService = Map.copyOf(byService);
  }

  /** All injected failures (not counting latency or refusals while partitioned). */
  public long totalInjected() {
    return injected.values().stream().mapToLong(Long::longValue).sum();
  }
}
