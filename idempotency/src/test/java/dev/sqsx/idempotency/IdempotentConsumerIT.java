/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.EndpointFeature;
import dev.sqsx.testing.LocalAws;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

@LocalAws
class IdempotentConsumerIT {

  @Test
  void duplicatesAcrossThreeConsumers_applyEachOrderOnce_andCostOneWritePerDuplicate(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsEndpoints endpoints, AwsResources aws) {
    String queueUrl = aws.createQueue();
    String table = aws.uniqueName("idem");
    LongAdder dynamoRequests = new LongAdder();
    ExecutionInterceptor counter =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            dynamoRequests.increment();
          }
        };
    int orders = 40;
    int copies = 5;
    for (int copy = 0; copy < copies; copy++) {
      for (int order = 0; order < orders; order++) {
        String body = "{\"orderId\":" + order + ",\"amount\":" + (order * 10) + "}";
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
      }
    }
    Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    try (DynamoDbClient setup = endpoints.newDynamoDbClient();
        DynamoDbClient counted =
            endpoints
                .configure(DynamoDbClient.builder(), endpoints.dynamoDbEndpoint())
                .overrideConfiguration(c -> c.addExecutionInterceptor(counter))
                .build()) {
      DynamoDbIdempotencyStore.createTable(setup, table);
      IdempotentHandler handler =
          IdempotentHandler.builder()
              .store(DynamoDbIdempotencyStore.create(counted, table))
              .namespace("orders")
              .key(IdempotencyKey.jsonField("/orderId"))
              .meterRegistry(registry)
              .handler(
                  (message, lease) -> {
                    effects
                        .computeIfAbsent(message.body(), b -> new AtomicInteger())
                        .incrementAndGet();
                    Thread.sleep(20);
                    return null;
                  })
              .build();
      List<SqsConsumer> consumers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        SqsConsumer consumer =
            SqsConsumer.builder()
                .sqsClient(sqsAsync)
                .queueUrl(queueUrl)
                .concurrency(4)
                .waitTime(Duration.ofSeconds(1))
                .visibilityTimeout(Duration.ofSeconds(5))
                .handler(handler)
                .build();
        consumer.start();
        consumers.add(consumer);
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  consumers.stream().mapToLong(c -> c.stats().deleted()).sum()
                      == (long) orders * copies);
      consumers.forEach(SqsConsumer::close);
      setup.deleteTable(r -> r.tableName(table));

      IdempotencyStats stats = handler.stats();
      assertThat(effects).hasSize(orders);
      assertThat(effects.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
      assertThat(stats.claimed()).isEqualTo(orders);
      long duplicateDeliveries = stats.duplicatesSuppressed() + stats.inProgressDuplicates();
      assertThat(stats.duplicatesSuppressed()).isGreaterThanOrEqualTo((long) orders * (copies - 1));
      assertThat(registry.get("sqsx.idempotency.claimed").functionCounter().count())
          .isEqualTo(orders);
      // Each first-time message costs a claim and a complete; each duplicate one refused claim,
      // plus a read of the record where the endpoint returns none with the refusal (dynalite).
      long perRefusal =
          endpoints.supports(EndpointFeature.DYNAMODB_RETURN_VALUES_ON_CONDITION_CHECK_FAILURE)
              ? 1
              : 2;
      long requests = dynamoRequests.sum();
      double perFirst = 2.0;
      double perDuplicate = (requests - perFirst * orders) / duplicateDeliveries;
      System.out.printf(
          "DynamoDB requests: %d for %d orders x %d copies -> %.2f per first-time message (claim +"
              + " complete), %.2f per duplicate (%d duplicate deliveries: %d completed, %d in"
              + " progress)%n",
          requests,
          orders,
          copies,
          perFirst,
          perDuplicate,
          duplicateDeliveries,
          stats.duplicatesSuppressed(),
          stats.inProgressDuplicates());
      assertThat(requests).isEqualTo(2L * orders + perRefusal * duplicateDeliveries);
    }
  }
}
