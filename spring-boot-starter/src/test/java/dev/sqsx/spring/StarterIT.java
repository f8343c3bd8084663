/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.testing.AwsResources;
import io.awspring.cloud.sqs.annotation.SqsListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The starter in a Spring Boot context on the embedded endpoints: large payloads reach
 * {@code @SqsxListener} methods and Spring Cloud AWS's {@code @SqsListener} methods alike, the
 * application's own client stays its own, idempotency, metrics and health, and graceful shutdown.
 */
class StarterIT {

  /** What a listener method received. */
  record Order(int orderId, String note) {}

  /** The application's listeners. */
  static class Listeners {
    final List<Order> orders = new CopyOnWriteArrayList<>();
    final Map<Integer, String> priorities = new ConcurrentHashMap<>();
    final List<Integer> attempts = new CopyOnWriteArrayList<>();
    final List<String> springCloudAws = new CopyOnWriteArrayList<>();
    final AtomicInteger effects = new AtomicInteger();

    @SqsxListener(queue = "${test.orders}", concurrency = 4)
    void order(
        Order order, @MessageAttribute("priority") String priority, ReceivedMessage message) {
      orders.add(order);
      priorities.put(order.orderId(), String.valueOf(priority));
      attempts.add(message.attempt());
    }

    @SqsxListener(
        queue = "${test.payments}",
        idempotencyKey = "/orderId",
        circuitBreaker = "payments")
    void payment(byte[] body) {
      effects.incrementAndGet();
    }

    @SqsListener("${test.legacy}")
    void legacy(String body) {
      springCloudAws.add(body);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class App {
    @Bean
    Listeners listeners() {
      return new Listeners();
    }

    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    @Bean
    Observed observed() {
      return new Observed();
    }

    @Bean
    ObservationRegistry observationRegistry(Observed observed) {
      ObservationRegistry registry = ObservationRegistry.create();
      registry.observationConfig().observationHandler(observed);
      return registry;
    }
  }

  /** The observations the application's registry saw stop. */
  static class Observed implements ObservationHandler<Observation.Context> {
    final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

    @Override
    public void onStop(Observation.Context context) {
      stopped.add(context);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }
  }

  private static ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                JacksonAutoConfiguration.class,
                io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration.class,
                io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration.class,
                io.awspring.cloud.autoconfigure.sqs.SqsAutoConfiguration.class,
                SqsxAutoConfiguration.class,
                SqsxHealthAutoConfiguration.class,
                SqsxSpringCloudAwsAutoConfiguration.class))
        .withUserConfiguration(Embedded.Clients.class)
        .withPropertyValues(
            "spring.cloud.aws.region.static=us-east-1",
            "spring.cloud.aws.credentials.access-key=test",
            "spring.cloud.aws.credentials.secret-key=test",
            "sqsx.consumer.wait-time=1s");
  }

  @Test
  void largePayloads_reachSqsxAndSpringCloudAwsListeners_resolved() {
    AwsResources aws = Embedded.resources();
    String orders = aws.createQueue();
    String payments = aws.createQueue();
    String legacy = aws.createQueue();
    String bucket = aws.createBucket();
    String table = aws.uniqueName("idem");
    DynamoDbIdempotencyStore.createTable(Embedded.endpoints().newDynamoDbClient(), table);
    String note = "n".repeat(600_000);

    runner()
        .withUserConfiguration(App.class)
        .withPropertyValues(
            "test.orders=" + orders,
            "test.payments=" + name(payments),
            "test.legacy=" + legacy,
            "sqsx.payload.bucket=" + bucket,
            "sqsx.idempotency.table=" + table)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              // the application's unqualified client is still its own
              assertThat(context.getBean(SqsAsyncClient.class))
                  .isNotInstanceOf(SqsExtendedAsyncClient.class);
              SqsAsyncClient sqsx =
                  context.getBean(
                      SqsxAutoConfiguration.EXTENDED_ASYNC_CLIENT, SqsAsyncClient.class);
              assertThat(sqsx).isInstanceOf(SqsExtendedAsyncClient.class);
              S3Client s3 = context.getBean(S3Client.class);

              for (int id = 1; id <= 2; id++) {
                String body = "{\"orderId\":" + id + ",\"note\":\"" + note + "\"}";
                sqsx.sendMessage(
                        r ->
                            r.queueUrl(orders)
                                .messageBody(body)
                                .messageAttributes(
                                    Map.of(
                                        "priority",
                                        MessageAttributeValue.builder()
                                            .dataType("String")
                                            .stringValue("high")
                                            .build())))
                    .join();
              }
              sqsx.sendMessage(r -> r.queueUrl(legacy).messageBody(note)).join();
              for (int copy = 0; copy < 3; copy++) {
                sqsx.sendMessage(r -> r.queueUrl(payments).messageBody("{\"orderId\":7}")).join();
              }
              Listeners listeners = context.getBean(Listeners.class);
              await()
                  .atMost(Duration.ofSeconds(30))
                  .until(
                      () ->
                          listeners.orders.size() == 2
                              && listeners.springCloudAws.size() == 1
                              && aws.messagesIn(payments) == 0);

              assertThat(listeners.orders)
                  .extracting(Order::orderId)
                  .containsExactlyInAnyOrder(1, 2);
              assertThat(listeners.orders).allSatisfy(o -> assertThat(o.note()).hasSize(600_000));
              assertThat(listeners.priorities).containsValues("high", "high");
              assertThat(listeners.springCloudAws)
                  .singleElement()
                  .satisfies(body -> assertThat(body).hasSize(600_000).isEqualTo(note));
              assertThat(listeners.effects).as("3 copies, one effect").hasValue(1);
              // deleted with their messages: Spring Cloud AWS acknowledged through sqsx too
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> s3.listObjectsV2(r -> r.bucket(bucket)).keyCount() == 0);
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> aws.messagesIn(orders) == 0 && aws.messagesIn(legacy) == 0);

              Health health = context.getBean(SqsxHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails()).containsKeys("listeners.order", "listeners.payment");
              @SuppressWarnings("unchecked")
              Map<String, Object> payment =
                  (Map<String, Object>) health.getDetails().get("listeners.payment");
              assertThat(payment)
                  .containsEntry("running", true)
                  .containsEntry("circuitBreaker", "CLOSED");
              // Micrometer Observation: one sqsx.process per handler run (2 orders, 3 payments)
              Observed observed = context.getBean(Observed.class);
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(
                      () ->
                          observed.stopped.stream()
                                  .filter(c -> c.getName().equals("sqsx.process"))
                                  .filter(c -> outcome(c).equals("deleted"))
                                  .count()
                              == 5);
              assertThat(observed.stopped)
                  .filteredOn(c -> c.getName().equals("sqsx.process"))
                  .allSatisfy(
                      c -> {
                        assertThat(c).isInstanceOf(ReceiverContext.class);
                        assertThat(c.getContextualName()).startsWith("process ");
                        // a copy of a payment that arrived while another was being handled is
                        // retried (DuplicateInProgressException), then suppressed
                        assertThat(outcome(c)).isIn("deleted", "retried");
                        if (outcome(c).equals("deleted")) {
                          assertThat(c.getError()).isNull();
                        } else {
                          assertThat(c.getError())
                              .isInstanceOf(
                                  dev.sqsx.idempotency.DuplicateInProgressException.class);
                        }
                      });
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(registry.find("sqsx.consumer.received").counters())
                  .as("the application's MeterRegistry, per listener queue")
                  .hasSizeGreaterThanOrEqualTo(2);
            });
  }

  /** A listener that blocks its only handler slot until released. */
  static class Blocking {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger handled = new AtomicInteger();

    @SqsxListener(queue = "${test.slow}", concurrency = 1)
    void slow(String body) throws InterruptedException {
      started.countDown();
      release.await(30, TimeUnit.SECONDS);
      handled.incrementAndGet();
    }
  }

  @Test
  void gracefulShutdown_releasesUnstartedMessages_visibleAtOnce() throws Exception {
    AwsResources aws = Embedded.resources();
    String slow = aws.createQueue("slow", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "120"));
    SqsClient sqs = Embedded.endpoints().newSqsClient();
    for (int i = 0; i < 20; i++) {
      String body = "m" + i;
      sqs.sendMessage(r -> r.queueUrl(slow).messageBody(body));
    }
    Blocking blocking = new Blocking();
    ConfigurableApplicationContext[] holder = new ConfigurableApplicationContext[1];
    runner()
        .withBean(Blocking.class, () -> blocking)
        .withPropertyValues("test.slow=" + slow, "sqsx.consumer.shutdown-timeout=20s")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(blocking.started.await(30, TimeUnit.SECONDS)).isTrue();
              // let the consumer prefetch what it will
              await().atMost(Duration.ofSeconds(10)).until(() -> inFlight(sqs, slow) > 1);
              holder[0] = context.getSourceApplicationContext();
              Thread releaser =
                  new Thread(
                      () -> {
                        try {
                          Thread.sleep(1_000);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        blocking.release.countDown();
                      });
              releaser.start();
              context.close(); // Boot's shutdown: the listeners stop first, gracefully
              releaser.join();
            });

    assertThat(holder[0].isActive()).isFalse();
    assertThat(blocking.handled).as("the running handler finished").hasValue(1);
    // the unstarted ones were released: visible now, not after the 120 s visibility timeout
    assertThat(visible(sqs, slow)).isEqualTo(19);
    assertThat(inFlight(sqs, slow)).isZero();
    sqs.close();
  }

  private static int visible(SqsClient sqs, String queueUrl) {
    return Integer.parseInt(
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(queueUrl)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
            .attributes()
            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
  }

  private static int inFlight(SqsClient sqs, String queueUrl) {
    return Integer.parseInt(
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(queueUrl)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes()
            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  private static String outcome(Observation.Context context) {
    io.micrometer.common.KeyValue value = context.getLowCardinalityKeyValue("sqsx.outcome");
    return value == null ? "none" : value.getValue();
  }

  static String name(String queueUrl) {
    return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
  }
}
