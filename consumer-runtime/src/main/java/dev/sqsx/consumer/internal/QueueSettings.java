/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What the consumer reads from the queue once at start: its visibility timeout and redrive policy.
 *
 * @param visibilityTimeoutSeconds the queue's {@code VisibilityTimeout}
 * @param maxReceiveCount the redrive policy's {@code maxReceiveCount}, if there is a policy
 * @param deadLetterTargetArn the redrive policy's DLQ ARN, if there is a policy
 * @param fifo whether the queue is a FIFO queue
 * @param retentionPeriodSeconds the queue's {@code MessageRetentionPeriod}
 */
public record QueueSettings(
    int visibilityTimeoutSeconds,
    Optional<Integer> maxReceiveCount,
    Optional<String> deadLetterTargetArn,
    boolean fifo,
    long retentionPeriodSeconds) {

  /** The attributes to ask for. */
  public static final List<QueueAttributeName> ATTRIBUTES =
      List.of(
          QueueAttributeName.VISIBILITY_TIMEOUT,
          QueueAttributeName.REDRIVE_POLICY,
          QueueAttributeName.FIFO_QUEUE,
          QueueAttributeName.MESSAGE_RETENTION_PERIOD);

  /** Reads the settings from {@code GetQueueAttributes}' answer. */
  public static QueueSettings from(Map<QueueAttributeName, String> attributes) {
    int visibility =
        Integer.parseInt(attributes.getOrDefault(QueueAttributeName.VISIBILITY_TIMEOUT, "30"));
    String policy = attributes.get(QueueAttributeName.REDRIVE_POLICY);
    Optional<Integer> maxReceiveCount = Optional.empty();
    Optional<String> dlqArn = Optional.empty();
    if (policy != null && !policy.isBlank()) {
      Map<String, Object> fields = redrivePolicy(policy);
      Object count = fields.get("maxReceiveCount");
      if (count != null) {
        maxReceiveCount = Optional.of(Integer.parseInt(count.toString()));
      }
      if (fields.get("deadLetterTargetArn") instanceof String arn) {
        dlqArn = Optional.of(arn);
      }
    }
    boolean fifo = Boolean.parseBoolean(attributes.get(QueueAttributeName.FIFO_QUEUE));
    long retention =
        Long.parseLong(
            attributes.getOrDefault(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "345600"));
    return new QueueSettings(visibility, maxReceiveCount, dlqArn, fifo, retention);
  }

  private static Map<String, Object> redrivePolicy(String policy) {
    try {
      return JSON.std.mapFrom(policy);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "the queue's RedrivePolicy is not a JSON object: " + policy, e);
    }
  }
}
