/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import java.time.Instant;

/**
 * A consumer's receives are failing: what {@link SqsConsumer#failingReceives()} reports from the
 * first failed receive until a receive succeeds again. A health check can turn DOWN on it (a queue
 * deleted at run time, lost permissions, an unreachable endpoint); a single failure that the next
 * receive recovers from shows here only briefly.
 *
 * @param count receives that failed in a row (of all the consumer's poll loops)
 * @param since when the first of them failed (the consumer's clock)
 * @param lastError the last failure: its exception class and message (an SQS error names the queue
 *     and the error code; it never carries a message body)
 */
public record ReceiveFailures(long count, Instant since, String lastError) {}
