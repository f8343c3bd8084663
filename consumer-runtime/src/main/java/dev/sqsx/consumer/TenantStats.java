/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import java.time.Duration;

/**
 * One tenant's load on a consumer of a standard queue, where a message's {@code MessageGroupId}
 * names its tenant (SQS fair queues): what {@link SqsConsumer#tenants()} reports, and what the
 * meters {@code sqsx.consumer.tenant.in.flight} and {@code sqsx.consumer.tenant.processing} are
 * tagged with.
 *
 * @param tenant the message group, or {@value #OTHER} for the sum over every tenant not among the
 *     top ones
 * @param inFlight the tenant's messages the consumer holds now: received and not yet settled
 *     (waiting for a handler slot, running, or waiting for their delete)
 * @param processingTime the tenant's recent handler time, decaying: the last refresh interval's
 *     handler time counts fully, each earlier interval's half as much as the one after it
 */
public record TenantStats(String tenant, long inFlight, Duration processingTime) {

  /**
   * The tag value (and {@link #tenant()}) of the tenants not among the top ones. A message group
   * that is itself called {@code other} is always counted there, never named on its own.
   */
  public static final String OTHER = "other";
}
