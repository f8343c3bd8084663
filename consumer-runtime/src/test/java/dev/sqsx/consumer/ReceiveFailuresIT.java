/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** A consumer whose receives keep failing says so, and recovers when they succeed again. */
@LocalAws
class ReceiveFailuresIT {

  @Test
  void queueDeletedAtRunTime_failingReceivesReportsTheRun_andClearsWhenTheQueueIsBack(
      SqsClient sqs, AwsEndpoints endpoints, AwsResources aws) {
    String queueUrl = aws.createQueue();
    String name = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger handled = new AtomicInteger();
    // ElasticMQ never answers a long poll that was open when its queue was deleted (the SDK's
    // 30 s read timeout would end it): a shorter attempt timeout ends it sooner.
    try (SqsAsyncClient sqsAsync =
            endpoints
                .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
                .overrideConfiguration(c -> c.apiCallAttemptTimeout(Duration.ofSeconds(4)))
                .build();
        SqsConsumer consumer =
            SqsConsumer.builder()
                .sqsClient(sqsAsync)
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .meterRegistry(registry)
                .handler(message -> handled.incrementAndGet())
                .build()) {
      consumer.start();
      assertThat(consumer.failingReceives()).isEmpty();

      sqs.deleteQueue(r -> r.queueUrl(queueUrl));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> consumer.failingReceives().map(ReceiveFailures::count).orElse(0L) >= 3);
      ReceiveFailures failing = consumer.failingReceives().orElseThrow();
      assertThat(failing.lastError()).contains("QueueDoesNotExist");
      assertThat(failing.since()).isNotNull();
      assertThat(consumer.isRunning()).isTrue();
      assertThat(registry.counter("sqsx.consumer.receive.failures", "queue", name).count())
          .isGreaterThanOrEqualTo(3);

      sqs.createQueue(r -> r.queueName(name));
      sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("back"));
      await().atMost(Duration.ofSeconds(30)).until(() -> handled.get() == 1);
      assertThat(consumer.failingReceives()).isEmpty();
    }
  }
}
