/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.reliability;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;

/**
 * Records the receipt handles SQS refused to delete as invalid. ElasticMQ refuses a second delete
 * of a message already deleted (SQS accepts it), which is what an SDK retry after a lost response
 * sends: the extended client then keeps the payload (it cannot tell a deleted message from one
 * whose handle expired and that will be handled again), and the soak counts it apart.
 */
final class RefusedDeletes implements ExecutionInterceptor {

  private final Set<String> refused = ConcurrentHashMap.newKeySet();

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof DeleteMessageBatchRequest request
        && context.response() instanceof DeleteMessageBatchResponse response) {
      for (BatchResultErrorEntry failed : response.failed()) {
        if ("ReceiptHandleIsInvalid".equals(failed.code())) {
          for (DeleteMessageBatchRequestEntry entry : request.entries()) {
            if (entry.id().equals(failed.id())) {
              refused.add(entry.receiptHandle());
            }
          }
        }
      }
    }
  }

  boolean refused(String receiptHandle) {
    return refused.contains(receiptHandle);
  }
}
