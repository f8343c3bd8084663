/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases messages the consumer holds but will not handle (unstarted at shutdown, behind a failed
 * FIFO message, a gate refusal past its lease): visibility 0, so they can be received again at
 * once; their heartbeat ends and their permits are given back.
 */
final class Releases {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final String queueUrl;
  private final VisibilityHeartbeat heartbeat;
  private final VisibilityChanger visibility;
  private final Counters counters;
  private final Permits permits;

  Releases(
      String queueUrl,
      VisibilityHeartbeat heartbeat,
      VisibilityChanger visibility,
      Counters counters,
      Permits permits) {
    this.queueUrl = queueUrl;
    this.heartbeat = heartbeat;
    this.visibility = visibility;
    this.counters = counters;
    this.permits = permits;
  }

  /** The number of {@code leases} whose permit had not been given back yet (now it is). */
  static int returnPermits(List<Lease> leases) {
    int count = 0;
    for (Lease lease : leases) {
      if (lease.returnPermit()) {
        count++;
      }
    }
    return count;
  }

  /** Makes unstarted messages visible again at once. */
  CompletableFuture<Void> release(List<Lease> leases) {
    if (leases.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    leases.forEach(heartbeat::untrack);
    return visibility
        .change(leases, lease -> 0)
        .thenAccept(
            outcomes -> {
              for (VisibilityChanger.Outcome outcome : outcomes) {
                if (!outcome.accepted()) {
                  LOG.warn(
                      "could not release message {} from {} ({}); it becomes visible when its"
                          + " visibility timeout ends",
                      outcome.lease().messageId(),
                      queueUrl,
                      outcome.reason());
                }
              }
              counters.released(leases.size());
              counters.finished(leases);
              permits.release(returnPermits(leases));
            });
  }
}
