/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples.lambda;

import dev.sqsx.consumer.MessageHandler;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.idempotency.IdempotencyKey;
import dev.sqsx.idempotency.IdempotentHandler;
import dev.sqsx.lambda.LambdaConsumer;
import dev.sqsx.lambda.SqsxFunction;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An AWS Lambda function behind an SQS event source mapping (see {@code
 * examples/lambda/template.yaml} for its deployment settings): the same {@link MessageHandler} an
 * {@code SqsConsumer} would run, made idempotent per order with DynamoDB, large orders read from
 * S3, orders that can never succeed sent to the DLQ with their reason.
 *
 * <p>Configuration from the environment: {@code PAYLOAD_BUCKET}, {@code IDEMPOTENCY_TABLE}, {@code
 * DLQ_URL}. Clients are built once per execution environment (at cold start), from the function's
 * role and region.
 */
public final class OrderFunction extends SqsxFunction {

  private static final Logger LOG = LoggerFactory.getLogger(OrderFunction.class);
  private static final IdempotencyKey ORDER_ID = IdempotencyKey.jsonField("/orderId");

  /** Lambda's entry point. */
  public OrderFunction() {
    this(
        SqsClient.create(),
        S3Client.create(),
        DynamoDbClient.create(),
        System.getenv(),
        orderId -> LOG.info("applied order {}", orderId));
  }

  /** With given clients, configuration and effect (the tests run it on embedded endpoints). */
  public OrderFunction(
      SqsClient sqs,
      S3Client s3,
      DynamoDbClient dynamoDb,
      Map<String, String> env,
      Consumer<String> applyOrder) {
    super(consumer(sqs, s3, dynamoDb, env, applyOrder));
  }

  private static LambdaConsumer consumer(
      SqsClient sqs,
      S3Client s3,
      DynamoDbClient dynamoDb,
      Map<String, String> env,
      Consumer<String> applyOrder) {
    IdempotentHandler orders =
        IdempotentHandler.builder()
            .store(DynamoDbIdempotencyStore.create(dynamoDb, required(env, "IDEMPOTENCY_TABLE")))
            .namespace("orders")
            .key(ORDER_ID)
            .handler(
                (message, lease) -> {
                  applyOrder.accept(ORDER_ID.of(message));
                  return null;
                })
            .build();
    return LambdaConsumer.builder()
        .handler(orders)
        .payloadStore(
            S3PayloadStore.builder().s3Client(s3).bucket(required(env, "PAYLOAD_BUCKET")).build())
        .sqsClient(sqs)
        .deadLetterQueueUrl(env.get("DLQ_URL"))
        .build();
  }

  private static String required(Map<String, String> env, String name) {
    return Objects.requireNonNull(
        env.get(name), name + " must be set in the function's environment");
  }
}
