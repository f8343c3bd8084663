/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples.boot;

import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.spring.SqsxAutoConfiguration;
import dev.sqsx.spring.SqsxHealthIndicator;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.EmbeddedAws;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * A small Spring Boot application on sqsx-spring-boot-starter: an {@code @SqsxListener} that
 * applies orders once ({@link OrderListener}), large orders offloaded to S3, idempotency on
 * DynamoDB — on embedded SQS, S3 and DynamoDB, started here. The application has no SDK client
 * beans: Spring Cloud AWS's SQS and S3 starters make them from {@code spring.cloud.aws.*} (region,
 * credentials, endpoints), and sqsx configures the ones it makes (the S3 async client payloads are
 * written with, the DynamoDB client) the same way. In an application of your own, {@code
 * spring.cloud.aws.*} and {@code sqsx.*} are in {@code application.properties}.
 *
 * <pre>{@code
 * ./mvnw -q -DskipTests -pl examples -am package exec:java \
 *     -Ddemo.main=dev.sqsx.examples.boot.OrdersApplication
 * }</pre>
 */
@SpringBootApplication
public class OrdersApplication {

  private static final int ORDERS = 50;

  /** Runs the example and exits with its code: 0 when each order was applied exactly once. */
  public static void main(String[] args) {
    int code = run(args, System.out);
    System.out.flush();
    System.exit(code);
  }

  /** Runs the example, printing to {@code out}; 0 when each order was applied exactly once. */
  public static int run(String[] args, PrintStream out) {
    out.println("starting embedded SQS, S3 and DynamoDB...");
    try (EmbeddedAws aws = EmbeddedAws.start();
        DynamoDbClient admin = aws.endpoints().newDynamoDbClient();
        AwsResources resources =
            new AwsResources(
                aws.endpoints().newSqsClient(),
                aws.endpoints().newS3Client(),
                admin,
                aws.endpoints().region(),
                "sqsx-boot")) {
      String queue = resources.createQueueWithDlq(3, Duration.ofSeconds(10)).queueUrl();
      String bucket = resources.createBucket();
      String table = resources.uniqueName("orders-idem");
      DynamoDbIdempotencyStore.createTable(admin, table);

      SpringApplication application = new SpringApplication(OrdersApplication.class);
      Map<String, Object> properties = new LinkedHashMap<>(springCloudAws(aws.endpoints()));
      properties.put("spring.main.banner-mode", "off");
      properties.put("orders.queue", queue);
      properties.put("sqsx.payload.bucket", bucket);
      properties.put("sqsx.idempotency.table", table);
      properties.put("sqsx.consumer.wait-time", "1s");
      application.setDefaultProperties(properties);
      try (ConfigurableApplicationContext context = application.run(args)) {
        return produceAndCheck(context, queue, resources, out);
      }
    }
  }

  private static int produceAndCheck(
      ConfigurableApplicationContext context, String queue, AwsResources aws, PrintStream out) {
    // the extended client: asked for by name here, @SqsxClient SqsAsyncClient in a bean
    SqsAsyncClient sqs =
        context.getBean(SqsxAutoConfiguration.EXTENDED_ASYNC_CLIENT, SqsAsyncClient.class);
    OrderListener listener = context.getBean(OrderListener.class);
    int sent = 0;
    for (int id = 1; id <= ORDERS; id++) {
      // order 7 carries a 600 KB attachment (offloaded to S3); every 10th is sent twice
      String attachment = id == 7 ? "a".repeat(600_000) : "";
      String body =
          "{\"orderId\":"
              + id
              + ",\"amount\":"
              + id * 10
              + ",\"attachment\":\""
              + attachment
              + "\"}";
      int copies = id % 10 == 0 ? 2 : 1;
      for (int copy = 0; copy < copies; copy++) {
        sqs.sendMessage(
                r ->
                    r.queueUrl(queue)
                        .messageBody(body)
                        .messageAttributes(
                            Map.of(
                                "channel",
                                MessageAttributeValue.builder()
                                    .dataType("String")
                                    .stringValue("web")
                                    .build())))
            .join();
        sent++;
      }
    }
    out.printf(
        "sent %d messages: %d orders, %d sent twice, order 7 with 600 KB%n",
        sent, ORDERS, sent - ORDERS);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while ((listener.applied().size() < ORDERS || aws.messagesIn(queue) > 0)
        && System.nanoTime() < deadline) {
      sleep();
    }
    long twice = listener.applied().values().stream().filter(count -> count > 1).count();
    out.printf(
        "applied        %d orders%s; largest attachment %,d chars (resolved from S3)%n",
        listener.applied().size(),
        twice == 0 ? ", each once" : ", " + twice + " MORE THAN ONCE",
        listener.largestAttachment());
    out.printf(
        "health         %s%n", context.getBean(SqsxHealthIndicator.class).health().getStatus());
    boolean ok = listener.applied().size() == ORDERS && twice == 0;
    out.println(ok ? "OK: each order applied exactly once" : "FAILED");
    return ok ? 0 : 1;
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Spring Cloud AWS's settings for the embedded endpoints: what {@code application.properties} (or
   * a {@code @DynamicPropertySource} in a test) says for local endpoints.
   */
  static Map<String, Object> springCloudAws(AwsEndpoints endpoints) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("spring.cloud.aws.region.static", endpoints.region().id());
    properties.put("spring.cloud.aws.credentials.access-key", AwsEndpoints.LOCAL_ACCESS_KEY);
    properties.put("spring.cloud.aws.credentials.secret-key", AwsEndpoints.LOCAL_SECRET_KEY);
    properties.put("spring.cloud.aws.sqs.endpoint", endpoints.sqsEndpoint().orElseThrow());
    properties.put("spring.cloud.aws.s3.endpoint", endpoints.s3Endpoint().orElseThrow());
    properties.put("spring.cloud.aws.s3.path-style-access-enabled", "true");
    properties.put(
        "spring.cloud.aws.dynamodb.endpoint", endpoints.dynamoDbEndpoint().orElseThrow());
    return properties;
  }
}
