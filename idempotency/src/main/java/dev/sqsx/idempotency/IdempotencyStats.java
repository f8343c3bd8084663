/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

/**
 * Counts of one idempotent handler since it was built.
 *
 * @param claimed keys acquired (first-time messages and takeovers)
 * @param takeovers keys taken over from a holder whose lease had expired
 * @param duplicatesSuppressed messages acknowledged without running the handler (key completed)
 * @param inProgressDuplicates messages left for redelivery because another worker held the key
 * @param conflicts messages that reused a key with a different payload
 * @param fencingRejections completes, releases or renewals refused because the key was taken over
 * @param resultsOmitted keys completed without their result, because it was over {@code
 *     maxResultBytes}
 * @param renewalFailures lease renewals that failed (the store could not be reached); the lease
 *     ends unless a later renewal succeeds
 */
public record IdempotencyStats(
    long claimed,
    long takeovers,
    long duplicatesSuppressed,
    long inProgressDuplicates,
    long conflicts,
    long fencingRejections,
    long resultsOmitted,
    long renewalFailures) {}
