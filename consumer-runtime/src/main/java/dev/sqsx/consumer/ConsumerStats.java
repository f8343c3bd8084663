/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

/**
 * Counts since the consumer started; a snapshot, consistent per field.
 *
 * @param receives receive requests that completed (including empty ones)
 * @param emptyReceives receive requests that returned no message
 * @param received messages received
 * @param succeeded messages whose handler succeeded
 * @param failed messages whose handler failed
 * @param deleted messages deleted from the queue
 * @param deleteFailures messages whose delete failed permanently (they will be redelivered)
 * @param released messages made visible again without being handled (shutdown)
 * @param visibilityExtensions visibility extensions that SQS accepted
 * @param leasesLost messages whose receipt handle SQS no longer accepted while they were handled,
 *     or whose visibility ended while they waited for a handler (never started: SQS redelivers
 *     them)
 * @param deadLettered messages sqsx moved to the dead-letter queue with their failure reason
 * @param postponed times the circuit breaker or rate limiter refused to start a message now: it
 *     waited, still held, at the head of the line (no receive, no visibility change)
 * @param inFlight messages received and not yet finished
 */
public record ConsumerStats(
    long receives,
    long emptyReceives,
    long received,
    long succeeded,
    long failed,
    long deleted,
    long deleteFailures,
    long released,
    long visibilityExtensions,
    long leasesLost,
    long deadLettered,
    long postponed,
    long inFlight) {

  /** One line for a log. */
  public String summary() {
    return String.format(
        "received %d, succeeded %d, failed %d, dead-lettered %d, deleted %d, delete failures %d,"
            + " released %d, postponed %d, visibility extensions %d, leases lost %d, in flight %d,"
            + " receives %d (%d empty)",
        received,
        succeeded,
        failed,
        deadLettered,
        deleted,
        deleteFailures,
        released,
        postponed,
        visibilityExtensions,
        leasesLost,
        inFlight,
        receives,
        emptyReceives);
  }
}
