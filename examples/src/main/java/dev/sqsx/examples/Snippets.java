/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples;

import dev.sqsx.consumer.MessageHandler;
import dev.sqsx.consumer.NonRetryableException;
import dev.sqsx.consumer.PayloadFailureBridge;
import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.consumer.RetryPolicy;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.extended.DynamoDbPayloadStore;
import dev.sqsx.extended.PayloadStore;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.extended.TieredPayloadStore;
import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.idempotency.IdempotencyKey;
import dev.sqsx.idempotency.IdempotentHandler;
import dev.sqsx.lambda.LambdaConsumer;
import dev.sqsx.lambda.SqsxFunction;
import dev.sqsx.requests.Reply;
import dev.sqsx.requests.ReplyMessage;
import dev.sqsx.requests.SqsRequester;
import dev.sqsx.requests.SqsResponder;
import dev.sqsx.sns.SnsExtendedClient;
import dev.sqsx.tracing.SqsxTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The README's snippets, compiled with the build so they stay true. Each method is one snippet;
 * nothing here runs in the demo.
 */
final class Snippets {

  private Snippets() {}

  /** README: "Large messages, drop-in" — the synchronous extended client over S3. */
  static SqsClient extendedClient(SqsClient plainSqs, S3Client s3) {
    SqsClient sqs =
        SqsExtendedClient.builder()
            .sqsClient(plainSqs)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket("my-payloads").build())
            .build();
    sqs.sendMessage(r -> r.queueUrl("https://sqs...").messageBody("x".repeat(300_000)));
    return sqs;
  }

  /** README: "Large messages, drop-in" — async, S3 and DynamoDB tiers, AWS's legacy marker. */
  static SqsAsyncClient tieredAsyncClient(
      SqsAsyncClient plainSqs, S3AsyncClient s3, DynamoDbAsyncClient dynamoDb) {
    return SqsExtendedAsyncClient.builder()
        .sqsClient(plainSqs)
        .payloadStore(
            TieredPayloadStore.builder()
                .tier(
                    1_048_576,
                    DynamoDbPayloadStore.builder()
                        .dynamoDbAsyncClient(dynamoDb)
                        .table("payloads")
                        .build())
                .otherwise(S3PayloadStore.builder().s3AsyncClient(s3).bucket("my-payloads").build())
                .build())
        .legacyAttributeName(
            true) // what AWS's Java library writes by default; both are always read
        .build();
  }

  /** README: "Consuming" — a consumer with retry, DLQ reasons and a lease on every message. */
  static SqsConsumer consumer(SqsAsyncClient sqs, String queueUrl) {
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqs)
            .queueUrl(queueUrl)
            .concurrency(32)
            .retryPolicy(RetryPolicy.exponential(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5)))
            .handler(
                message -> {
                  if (message.body().isBlank()) {
                    throw new NonRetryableException(
                        "empty order"); // straight to the DLQ, with reason
                  }
                  process(message.body());
                })
            .build();
    consumer.start();
    return consumer; // consumer.close() on shutdown: nothing lost
  }

  /** README: "Exactly-once effects" — the idempotency wrapper on DynamoDB. */
  static SqsConsumer idempotentConsumer(
      SqsAsyncClient plainSqs, S3AsyncClient s3, DynamoDbClient dynamoDb, String queueUrl) {
    PayloadFailureBridge payloadFailures = new PayloadFailureBridge();
    SqsAsyncClient sqs =
        SqsExtendedAsyncClient.builder()
            .sqsClient(plainSqs)
            .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3).bucket("my-payloads").build())
            .resolutionListener(payloadFailures)
            .build();
    IdempotentHandler handler =
        IdempotentHandler.builder()
            .store(DynamoDbIdempotencyStore.create(dynamoDb, "idempotency"))
            .namespace("orders")
            .key(IdempotencyKey.jsonField("/orderId"))
            .handler(
                (message, lease) -> {
                  charge(message.body(), lease.fencingToken());
                  return null;
                })
            .build();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqs)
            .payloadFailures(payloadFailures)
            .queueUrl(queueUrl)
            .handler(handler)
            .build();
    consumer.start();
    return consumer;
  }

  private static void process(String body) {
    if (body.isEmpty()) {
      throw new IllegalStateException("unreachable");
    }
  }

  private static void charge(String body, long fencingToken) {
    if (body.isEmpty() || fencingToken < 1) {
      throw new IllegalStateException("unreachable");
    }
  }

  /** README: "Fan-out through SNS" — a large message through a topic, unwrapped by a subscriber. */
  static SqsExtendedAsyncClient snsFanOut(
      SnsClient sns, S3Client s3, SqsAsyncClient sqsAsync, String topic, String largeJson) {
    S3PayloadStore store = S3PayloadStore.builder().s3Client(s3).bucket("payloads").build();
    SnsExtendedClient publisher =
        SnsExtendedClient.builder()
            .snsClient(sns)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket("payloads").build())
            .build();
    publisher.publish(r -> r.topicArn(topic).message(largeJson));

    return SqsExtendedAsyncClient.builder()
        .sqsClient(sqsAsync)
        .payloadStore(store)
        .snsEnvelopes(true)
        .build();
  }

  /** README: "Request–response" — a requester, and a responder under a consumer. */
  static CompletableFuture<Reply> requestResponse(
      SqsAsyncClient sqsAsync, String quotesQueueUrl, String requestJson) {
    SqsRequester requester = SqsRequester.builder().sqsClient(sqsAsync).build();
    requester.start(); // one reply queue for the whole process
    CompletableFuture<Reply> reply =
        requester.request(quotesQueueUrl, requestJson, Duration.ofSeconds(5));

    SqsResponder responder =
        SqsResponder.builder()
            .sqsClient(sqsAsync)
            .handler(request -> ReplyMessage.of(quote(request.body())))
            .build();
    SqsConsumer.builder()
        .sqsClient(sqsAsync)
        .queueUrl(quotesQueueUrl)
        .asyncHandler(responder)
        .build()
        .start();
    return reply;
  }

  private static String quote(String body) {
    return "quote for " + body;
  }

  /** README: "Tracing" — OpenTelemetry from its OTEL_* settings, on both sides of a queue. */
  static SqsConsumer tracedConsumer(
      SqsAsyncClient sqsAsync, PayloadStore store, String url, MessageHandler handler) {
    OpenTelemetry otel = AutoConfiguredOpenTelemetrySdk.initialize().getOpenTelemetrySdk();
    SqsxTracing tracing = SqsxTracing.create(otel);

    SqsExtendedAsyncClient sqs =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(store)
            .attributeInjector(tracing)
            .build();
    return SqsConsumer.builder()
        .sqsClient(sqs)
        .queueUrl(url)
        .handler(handler)
        .observer(tracing)
        .build();
  }

  /** README: "In AWS Lambda" — the function's handler class. */
  static final class OrderFunction extends SqsxFunction {
    OrderFunction() {
      super(LambdaConsumer.builder().handler(new OrderHandler()).build());
    }
  }

  /** The handler the README's consumer and function share. */
  static final class OrderHandler implements MessageHandler {
    @Override
    public void handle(ReceivedMessage message) {
      process(message.body());
    }
  }
}
