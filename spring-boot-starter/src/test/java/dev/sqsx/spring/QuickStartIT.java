/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.testing.AwsEndpoints;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The starter README's quick start, as written: its properties, its {@code Orders} listener (JSON
 * body, a message attribute, an idempotency key) and its {@code Checkout} sending through the
 * extended client, in a {@code @SpringBootTest} pointed at local endpoints the way the README's
 * "Local endpoints" section shows — with Spring Cloud AWS's SQS and S3 starters on the class path
 * and no SDK client beans of the application's own.
 */
@SpringBootTest(
    classes = QuickStartIT.Application.class,
    properties = {
      "sqsx.payload.bucket=my-payloads",
      "sqsx.idempotency.table=my-idempotency",
      "sqsx.consumer.concurrency=16",
      "sqsx.consumer.wait-time=1s"
    })
class QuickStartIT {

  static final AwsEndpoints ENDPOINTS = Embedded.endpoints();

  @DynamicPropertySource
  static void aws(DynamicPropertyRegistry registry) {
    createWhatTheQuickStartNames();
    registry.add("spring.cloud.aws.region.static", () -> "us-east-1");
    registry.add("spring.cloud.aws.credentials.access-key", () -> "test");
    registry.add("spring.cloud.aws.credentials.secret-key", () -> "test");
    registry.add("spring.cloud.aws.sqs.endpoint", () -> ENDPOINTS.sqsEndpoint().orElseThrow());
    registry.add("spring.cloud.aws.s3.endpoint", () -> ENDPOINTS.s3Endpoint().orElseThrow());
    registry.add("spring.cloud.aws.s3.path-style-access-enabled", () -> "true");
    registry.add(
        "spring.cloud.aws.dynamodb.endpoint", () -> ENDPOINTS.dynamoDbEndpoint().orElseThrow());
  }

  /** The queue, bucket and table the README's properties and listener name. */
  private static void createWhatTheQuickStartNames() {
    try (SqsClient sqs = ENDPOINTS.newSqsClient();
        S3Client s3 = ENDPOINTS.newS3Client();
        var dynamoDb = ENDPOINTS.newDynamoDbClient()) {
      sqs.createQueue(r -> r.queueName("orders"));
      if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals("my-payloads"))) {
        s3.createBucket(r -> r.bucket("my-payloads"));
      }
      DynamoDbIdempotencyStore.createTable(dynamoDb, "my-idempotency");
    }
  }

  /** The README's order. */
  record Order(String orderId, String items) {}

  /** The README's listener. */
  static class Orders {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @SqsxListener(queue = "orders", idempotencyKey = "/orderId")
    void onOrder(Order order, @MessageAttribute("channel") String channel) {
      seen.add(order.orderId() + " " + channel + " " + order.items().length());
    }
  }

  /** The README's sender: the extended client, by qualifier. */
  static class Checkout {
    final SqsAsyncClient sqs;

    Checkout(SqsAsyncClient sqs) {
      this.sqs = sqs;
    }

    void place(String orderId, String items) {
      String queueUrl = sqs.getQueueUrl(r -> r.queueName("orders")).join().queueUrl();
      sqs.sendMessage(
              r ->
                  r.queueUrl(queueUrl)
                      .messageBody("{\"orderId\":\"" + orderId + "\",\"items\":\"" + items + "\"}")
                      .messageAttributes(
                          Map.of(
                              "channel",
                              MessageAttributeValue.builder()
                                  .dataType("String")
                                  .stringValue("web")
                                  .build())))
          .join();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class Application {
    @Bean
    Orders orders() {
      return new Orders();
    }

    @Bean
    Checkout checkout(@SqsxClient SqsAsyncClient sqs) {
      return new Checkout(sqs);
    }
  }

  @Autowired Orders orders;
  @Autowired Checkout checkout;

  @Test
  void theQuickStart_asWritten_handlesALargeOrderOnce_throughTheConfiguredLocalEndpoints() {
    // 1.5 MB: over what any SQS queue takes (1 MiB), so only an offload to the bucket sends it
    String items = "x".repeat(1_500_000);
    checkout.place("order-1", items);
    checkout.place("order-1", items); // a duplicate: the idempotency key applies it once

    try (SqsClient sqs = ENDPOINTS.newSqsClient();
        S3Client s3 = ENDPOINTS.newS3Client()) {
      String queueUrl = sqs.getQueueUrl(r -> r.queueName("orders")).queueUrl();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  !orders.seen.isEmpty()
                      && messagesIn(sqs, queueUrl) == 0
                      && s3.listObjectsV2(r -> r.bucket("my-payloads")).contents().isEmpty());
      assertThat(orders.seen).as("orders applied").containsExactly("order-1 web 1500000");
    }
  }

  private static int messagesIn(SqsClient sqs, String queueUrl) {
    return sqs
        .getQueueAttributes(
            r ->
                r.queueUrl(queueUrl)
                    .attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
        .attributes()
        .values()
        .stream()
        .mapToInt(Integer::parseInt)
        .sum();
  }
}
