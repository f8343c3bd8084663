/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesRequest;

/**
 * What ElasticMQ 1.7.1 lacks for retention: it ignores {@code MessageRetentionPeriod} (accepted,
 * never stored, never answered). Added to an SQS client's interceptors, it remembers the retention
 * a {@code SetQueueAttributes} call sets (the call still goes to the endpoint) and, when the
 * endpoint's {@code GetQueueAttributes} answer lacks {@code MessageRetentionPeriod}, answers it as
 * SQS does: the remembered value, or SQS's default, 345,600 seconds, for a queue never set. An
 * endpoint that answers it (LocalStack, AWS) is left alone.
 *
 * <pre>{@code
 * SqsClient sqs = endpoints.configure(SqsClient.builder(), endpoints.sqsEndpoint())
 *     .overrideConfiguration(o -> o.addExecutionInterceptor(new RetentionShim()))
 *     .build();
 * }</pre>
 *
 * <p>For tests of code that reads queues' retention (such as sqsx's {@code PayloadSweeper}).
 * Thread-safe; one per client (it remembers what that client set).
 */
public final class RetentionShim implements ExecutionInterceptor {

  /** SQS's default retention, in seconds: 4 days. */
  public static final String SQS_DEFAULT_RETENTION = "345600";

  private final Map<String, String> retention = new ConcurrentHashMap<>();

  /** A shim that remembers nothing yet. */
  public RetentionShim() {}

  /** Remembers the retention a {@code SetQueueAttributes} request sets. */
  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof SetQueueAttributesRequest set
        && set.attributes().containsKey(QueueAttributeName.MESSAGE_RETENTION_PERIOD)) {
      retention.put(
          set.queueUrl(), set.attributes().get(QueueAttributeName.MESSAGE_RETENTION_PERIOD));
    }
  }

  /** Adds {@code MessageRetentionPeriod} to an answer that was asked for it and lacks it. */
  @Override
  public SdkResponse modifyResponse(
      Context.ModifyResponse context, ExecutionAttributes attributes) {
    if (context.request() instanceof GetQueueAttributesRequest get
        && context.response() instanceof GetQueueAttributesResponse response) {
      List<QueueAttributeName> names = get.attributeNames();
      if ((names.contains(QueueAttributeName.MESSAGE_RETENTION_PERIOD)
              || names.contains(QueueAttributeName.ALL))
          && !response.attributesAsStrings().containsKey("MessageRetentionPeriod")) {
        Map<String, String> answered = new HashMap<>(response.attributesAsStrings());
        answered.put(
            "MessageRetentionPeriod",
            retention.getOrDefault(get.queueUrl(), SQS_DEFAULT_RETENTION));
        return response.toBuilder().attributesWithStrings(answered).build();
      }
    }
    return context.response();
  }
}
