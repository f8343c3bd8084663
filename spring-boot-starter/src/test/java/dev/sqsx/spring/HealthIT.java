/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.testing.AwsResources;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The health indicator tells the truth about listeners whose receives fail, in an application with
 * Spring Cloud AWS beside the starter; repeated receive warnings are rate-limited in the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class HealthIT {

  /** One listener on the queue the test deletes and creates again. */
  static class Listener {
    final AtomicInteger handled = new AtomicInteger();

    @SqsxListener(queue = "${test.queue}")
    void handle(String body) {
      handled.incrementAndGet();
    }
  }

  /**
   * The application's clients. ElasticMQ never answers a long poll that was open when its queue was
   * deleted (the SDK's 30 s read timeout would end it): a shorter attempt timeout ends it sooner.
   */
  @Configuration(proxyBeanMethods = false)
  static class Clients {
    @Bean(destroyMethod = "close")
    SqsAsyncClient sqsAsyncClient() {
      return Embedded.endpoints()
          .configure(SqsAsyncClient.builder(), Embedded.endpoints().sqsEndpoint())
          .overrideConfiguration(c -> c.apiCallAttemptTimeout(Duration.ofSeconds(4)))
          .build();
    }

    @Bean(destroyMethod = "close")
    SqsClient sqsClient() {
      return Embedded.endpoints().newSqsClient();
    }

    @Bean(destroyMethod = "close")
    S3Client s3Client() {
      return Embedded.endpoints().newS3Client();
    }

    @Bean(destroyMethod = "close")
    S3AsyncClient s3AsyncClient() {
      return Embedded.endpoints().newS3AsyncClient();
    }

    @Bean(destroyMethod = "close")
    DynamoDbClient dynamoDbClient() {
      return Embedded.endpoints().newDynamoDbClient();
    }
  }

  @Test
  void queueDeletedAtRunTime_healthTurnsDownWithTheLastError_andUpAgainWhenReceivesSucceed(
      CapturedOutput output) {
    AwsResources aws = Embedded.resources();
    String queueUrl = aws.createQueue();
    String name = StarterIT.name(queueUrl);
    Listener listener = new Listener();
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                JacksonAutoConfiguration.class,
                io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration.class,
                io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration.class,
                io.awspring.cloud.autoconfigure.sqs.SqsAutoConfiguration.class,
                SqsxAutoConfiguration.class,
                SqsxHealthAutoConfiguration.class,
                SqsxSpringCloudAwsAutoConfiguration.class))
        .withUserConfiguration(Clients.class)
        .withBean(Listener.class, () -> listener)
        .withPropertyValues(
            "spring.cloud.aws.region.static=us-east-1",
            "spring.cloud.aws.credentials.access-key=test",
            "spring.cloud.aws.credentials.secret-key=test",
            "sqsx.consumer.wait-time=1s",
            "test.queue=" + queueUrl)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              SqsxHealthIndicator indicator = context.getBean(SqsxHealthIndicator.class);
              assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
              SqsClient sqs = context.getBean(SqsClient.class);

              sqs.deleteQueue(r -> r.queueUrl(queueUrl));
              await()
                  .atMost(Duration.ofSeconds(30))
                  .until(() -> indicator.health().getStatus().equals(Status.DOWN));
              Health down = indicator.health();
              @SuppressWarnings("unchecked")
              Map<String, Object> details =
                  (Map<String, Object>) down.getDetails().values().iterator().next();
              assertThat(details).containsEntry("queue", queueUrl).containsEntry("running", true);
              assertThat(details).containsEntry("receives", "failing");
              assertThat(String.valueOf(details.get("lastReceiveError")))
                  .contains("QueueDoesNotExist");
              assertThat(details).containsKeys("receiveFailures", "failingSince");

              // the warnings: the first, then at most one per 30 s, not one per failed receive
              await().atMost(Duration.ofSeconds(30)).until(() -> failures(indicator) >= 8);
              long failed = failures(indicator);
              long warned = output.getAll().lines().filter(l -> isWarning(l, queueUrl)).count();
              assertThat(warned).as("warnings for %d failed receives", failed).isBetween(1L, 2L);

              sqs.createQueue(r -> r.queueName(name));
              sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("back"));
              await().atMost(Duration.ofSeconds(30)).until(() -> listener.handled.get() == 1);
              assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
            });
  }

  @SuppressWarnings("unchecked")
  private static long failures(SqsxHealthIndicator indicator) {
    Map<String, Object> details =
        (Map<String, Object>) indicator.health().getDetails().values().iterator().next();
    Object count = details.get("receiveFailures");
    return count == null ? 0 : ((Number) count).longValue();
  }

  private static boolean isWarning(String line, String queueUrl) {
    return line.contains("WARN") && line.contains("receive from " + queueUrl + " failed");
  }
}
