/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

/**
 * A queue whose redrive policy sends messages to a dead-letter queue after {@code maxReceiveCount}
 * receives.
 *
 * @param queueUrl URL of the source queue
 * @param queueArn ARN of the source queue
 * @param dlqUrl URL of the dead-letter queue
 * @param dlqArn ARN of the dead-letter queue, as named by the redrive policy
 * @param maxReceiveCount receives after which SQS moves a message to the dead-letter queue
 */
public record QueueWithDlq(
    String queueUrl, String queueArn, String dlqUrl, String dlqArn, int maxReceiveCount) {}
