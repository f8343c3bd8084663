/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import io.awspring.cloud.autoconfigure.AwsAsyncClientCustomizer;
import io.awspring.cloud.sqs.annotation.SqsListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The starter in an application with Spring Cloud AWS's SQS and S3 starters, configured only with
 * {@code spring.cloud.aws.*}: its clients, its shutdown order and restarts.
 */
class SpringCloudAwsIT {

  /** An application's customizer of every async client Spring Cloud AWS configures. */
  static class Customizer {
    static final List<String> customized = new CopyOnWriteArrayList<>();

    @Bean
    AwsAsyncClientCustomizer recordingCustomizer() {
      return builder -> customized.add(builder.getClass().getSimpleName());
    }
  }

  @Test
  void springCloudAwsSettingsOnly_sqsxClientsUseThem_payloadLandsInTheConfiguredS3() {
    AwsResources aws = Embedded.resources();
    String queue = aws.createQueue();
    String bucket = aws.createBucket();
    String body = "x".repeat(300_000);
    try (ConfigurableApplicationContext context =
        SpringCloudAwsApp.builder(Customizer.class)
            .properties("sqsx.payload.bucket=" + bucket)
            .run()) {
      // the S3 async client sqsx made went through Spring Cloud AWS's configuration, customizers
      // too
      context.getBean(S3AsyncClient.class);
      assertThat(Customizer.customized).contains("DefaultS3AsyncClientBuilder");
      SqsAsyncClient sqsx =
          context.getBean(SqsxAutoConfiguration.EXTENDED_ASYNC_CLIENT, SqsAsyncClient.class);
      sqsx.sendMessage(r -> r.queueUrl(queue).messageBody(body)).join();

      try (S3Client embedded = Embedded.endpoints().newS3Client()) {
        assertThat(embedded.listObjectsV2(r -> r.bucket(bucket)).keyCount())
            .as("the payload is in the embedded S3 the spring.cloud.aws.s3.endpoint names")
            .isEqualTo(1);
      }
      // Spring Cloud AWS's S3Client is the one in the context, and it sees the same bucket
      assertThat(context.getBean(S3Client.class).listObjectsV2(r -> r.bucket(bucket)).keyCount())
          .isEqualTo(1);
      List<Message> received =
          sqsx.receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(5)).join().messages();
      assertThat(received).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo(body));
    }
  }

  @Test
  void withoutSpringCloudAws_sqsxAwsProperties_configureTheClients() {
    AwsResources aws = Embedded.resources();
    AwsEndpoints endpoints = Embedded.endpoints();
    String queue = aws.createQueue();
    String bucket = aws.createBucket();
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SqsxAutoConfiguration.class))
        .withPropertyValues(
            "sqsx.aws.region=us-east-1",
            "sqsx.aws.access-key=test",
            "sqsx.aws.secret-key=test",
            "sqsx.aws.endpoint.sqs=" + endpoints.sqsEndpoint().orElseThrow(),
            "sqsx.aws.endpoint.s3=" + endpoints.s3Endpoint().orElseThrow(),
            "sqsx.aws.path-style-access=true",
            "sqsx.payload.bucket=" + bucket)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              SqsAsyncClient sqsx =
                  context.getBean(
                      SqsxAutoConfiguration.EXTENDED_ASYNC_CLIENT, SqsAsyncClient.class);
              sqsx.sendMessage(r -> r.queueUrl(queue).messageBody("y".repeat(300_000))).join();
              try (S3Client embedded = endpoints.newS3Client()) {
                assertThat(embedded.listObjectsV2(r -> r.bucket(bucket)).keyCount()).isEqualTo(1);
              }
            });
  }

  /** A 2 s handler, one at a time; counts the handlers started once close began. */
  static class Slow {
    final AtomicBoolean closing = new AtomicBoolean();
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger startedAfterClose = new AtomicInteger();
    final CountDownLatch first = new CountDownLatch(1);

    @SqsxListener(id = "slow", queue = "${test.slow}", concurrency = 1)
    void slow(String body) throws InterruptedException {
      if (closing.get()) {
        startedAfterClose.incrementAndGet();
      }
      started.incrementAndGet();
      first.countDown();
      Thread.sleep(2_000); // the work itself: the handler is busy for 2 s
    }

    @SqsListener("${test.other}")
    void other(String body) {}
  }

  @Test
  void close_withSpringCloudAwsContainers_sqsxStopsTakingWorkFirst() throws Exception {
    AwsResources aws = Embedded.resources();
    String slow = aws.createQueue("slow", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "120"));
    String other = aws.createQueue();
    try (SqsClient sqs = Embedded.endpoints().newSqsClient()) {
      for (int i = 0; i < 5; i++) {
        String body = "m" + i;
        sqs.sendMessage(r -> r.queueUrl(slow).messageBody(body));
      }
      ConfigurableApplicationContext context =
          SpringCloudAwsApp.builder(Slow.class)
              .properties("test.slow=" + slow, "test.other=" + other)
              .run();
      Slow handlers = context.getBean(Slow.class);
      assertThat(handlers.first.await(30, TimeUnit.SECONDS)).isTrue();

      handlers.closing.set(true);
      long began = System.nanoTime();
      context.close();
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
      System.out.println("close() with Spring Cloud AWS containers took " + tookMillis + " ms");

      assertThat(handlers.startedAfterClose)
          .as("handlers started after close() began (of %s started)", handlers.started)
          .hasValue(0);
      assertThat(handlers.started).hasValue(1);
      // the 4 waiting were released at close, not kept for the 120 s visibility timeout
      assertThat(visible(sqs, slow)).isEqualTo(4);
    }
  }

  /** Records what it handled. */
  static class Recording {
    final List<String> bodies = new CopyOnWriteArrayList<>();

    @SqsxListener(id = "recording", queue = "${test.queue}")
    void handle(String body) {
      bodies.add(body);
    }
  }

  @Test
  void stopThenStart_listenersRunAgainInNewConsumers() {
    String queue = Embedded.resources().createQueue();
    try (SqsClient sqs = Embedded.endpoints().newSqsClient();
        ConfigurableApplicationContext context =
            SpringCloudAwsApp.builder(Recording.class).properties("test.queue=" + queue).run()) {
      Recording recording = context.getBean(Recording.class);
      SqsxListeners listeners = context.getBean(SqsxListeners.class);
      sqs.sendMessage(r -> r.queueUrl(queue).messageBody("before"));
      await().atMost(Duration.ofSeconds(20)).until(() -> recording.bodies.contains("before"));
      SqsConsumer first = listeners.listeners().get("recording").consumer();

      context.stop();
      assertThat(listeners.isRunning()).isFalse();
      assertThat(first.isRunning()).isFalse();
      sqs.sendMessage(r -> r.queueUrl(queue).messageBody("while stopped"));

      context.start();
      assertThat(listeners.isRunning()).isTrue();
      SqsConsumer second = listeners.listeners().get("recording").consumer();
      assertThat(second).isNotSameAs(first);
      assertThat(second.isRunning()).isTrue();
      sqs.sendMessage(r -> r.queueUrl(queue).messageBody("after"));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> recording.bodies.containsAll(List.of("while stopped", "after")));
      assertThat(recording.bodies).containsExactlyInAnyOrder("before", "while stopped", "after");
    }
  }

  /**
   * Spring's asynchronous stop ({@code stop(Runnable)}) closes on its own thread; a {@code start()}
   * called before that close is done must neither leave the old consumer polling nor have the new
   * one closed by the stop that came before it.
   */
  @Test
  void startWhileAStopIsStillClosing_oldConsumerEnds_listenerRunsInTheNewOne() throws Exception {
    String queue = Embedded.resources().createQueue();
    try (SqsClient sqs = Embedded.endpoints().newSqsClient();
        ConfigurableApplicationContext context =
            SpringCloudAwsApp.builder(Recording.class).properties("test.queue=" + queue).run()) {
      Recording recording = context.getBean(Recording.class);
      SqsxListeners listeners = context.getBean(SqsxListeners.class);
      for (int cycle = 0; cycle < 3; cycle++) {
        SqsConsumer before = listeners.listeners().get("recording").consumer();
        CountDownLatch stopped = new CountDownLatch(1);
        listeners.stop(stopped::countDown);
        listeners.start();
        assertThat(stopped.await(30, TimeUnit.SECONDS)).as("stop's callback").isTrue();

        SqsConsumer after = listeners.listeners().get("recording").consumer();
        assertThat(before.isRunning()).as("the consumer stopped in cycle %d", cycle).isFalse();
        assertThat(after).isNotSameAs(before);
        assertThat(after.isRunning()).as("the consumer started in cycle %d", cycle).isTrue();
        assertThat(listeners.isRunning()).isTrue();
      }
      sqs.sendMessage(r -> r.queueUrl(queue).messageBody("after the restarts"));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> recording.bodies.contains("after the restarts"));
    }
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
}
