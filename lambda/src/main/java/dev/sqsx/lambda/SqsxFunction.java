/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.Objects;

/**
 * A Lambda handler for an SQS event source mapping (with {@code ReportBatchItemFailures}) that runs
 * a {@link LambdaConsumer}: extend it, build the consumer in the constructor, and name the class as
 * the function's handler.
 *
 * <pre>{@code
 * public final class OrderFunction extends SqsxFunction {
 *   public OrderFunction() {
 *     super(LambdaConsumer.builder().handler(new OrderHandler()).build());
 *   }
 * }
 * }</pre>
 */
public abstract class SqsxFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {

  private final LambdaConsumer consumer;

  /** A function running {@code consumer} (built once, at cold start). */
  protected SqsxFunction(LambdaConsumer consumer) {
    this.consumer = Objects.requireNonNull(consumer, "consumer cannot be null");
  }

  @Override
  public final SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    return consumer.handle(event, context);
  }
}
