/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * A requester's meters: counters {@code sqsx.requests.sent}, {@code send.failures}, {@code
 * replies}, {@code timeouts}, {@code late.replies}, {@code duplicate.replies}, {@code
 * unroutable.replies}, {@code reply.delete.failures}, the gauge {@code sqsx.requests.pending} and
 * the timer {@code sqsx.requests.round.trip}. Loaded only when a registry is given.
 */
final class RequesterMeters {

  private RequesterMeters() {}

  /** Registers the meters and returns where round-trip times (nanoseconds) go. */
  static LongConsumer register(MeterRegistry registry, SqsRequester requester) {
    ReplyRouter router = requester.router();
    Map<String, LongAdder> counts =
        Map.of(
            "sent",
            requester.requestsCount(),
            "send.failures",
            requester.sendFailuresCount(),
            "replies",
            router.delivered,
            "timeouts",
            requester.timeoutsCount(),
            "late.replies",
            router.late,
            "duplicate.replies",
            router.duplicates,
            "unroutable.replies",
            router.unknown,
            "reply.delete.failures",
            requester.failedDeletesCount());
    counts.forEach(
        (name, count) ->
            FunctionCounter.builder("sqsx.requests." + name, count, LongAdder::sum)
                .register(registry));
    Gauge.builder("sqsx.requests.pending", router, ReplyRouter::pendingCount).register(registry);
    Timer roundTrip =
        Timer.builder("sqsx.requests.round.trip")
            .description("from the send of a request to the receive of its reply")
            .register(registry);
    return nanos -> roundTrip.record(nanos, TimeUnit.NANOSECONDS);
  }
}
