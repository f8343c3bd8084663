/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

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
 * never stored, never answered). An SDK interceptor on the test's SQS client remembers the
 * retention a {@code SetQueueAttributes} call sets (the call still goes to ElasticMQ) and answers
 * it in {@code GetQueueAttributes}, as SQS does. Queues never set answer SQS's default, 345,600
 * seconds. Test-only.
 */
final class RetentionShim implements ExecutionInterceptor {

  static final String SQS_DEFAULT_RETENTION = "345600";

  private final Map<String, String> retention = new ConcurrentHashMap<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof SetQueueAttributesRequest set
        && set.attributes().containsKey(QueueAttributeName.MESSAGE_RETENTION_PERIOD)) {
      retention.put(
          set.queueUrl(), set.attributes().get(QueueAttributeName.MESSAGE_RETENTION_PERIOD));
    }
  }

  @Override
  public SdkResponse modifyResponse(
      Context.ModifyResponse context, ExecutionAttributes attributes) {
    if (context.request() instanceof GetQueueAttributesRequest get
        && context.response() instanceof GetQueueAttributesResponse response) {
      List<QueueAttributeName> names = get.attributeNames();
      if (names.contains(QueueAttributeName.MESSAGE_RETENTION_PERIOD)
          || names.contains(QueueAttributeName.ALL)) {
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
