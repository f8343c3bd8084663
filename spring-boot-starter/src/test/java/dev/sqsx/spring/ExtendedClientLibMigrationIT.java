/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.amazon.sqs.javamessaging.AmazonSQSExtendedAsyncClient;
import com.amazon.sqs.javamessaging.ExtendedAsyncClientConfiguration;
import dev.sqsx.testing.AwsResources;
import io.awspring.cloud.sqs.annotation.SqsListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * An application moving from AWS's amazon-sqs-java-extended-client-lib to sqsx: the library is
 * still on the class path (run by the failsafe execution "with-aws-extended-client-lib"), so Spring
 * Cloud AWS 4.1 switches its plain {@code SqsAsyncClient} off unless {@code
 * spring.cloud.aws.sqs.extended.bucket} is set.
 */
class ExtendedClientLibMigrationIT {

  /** Both kinds of listener, on the same queue kind of traffic. */
  static class Listeners {
    final List<String> sqsx = new CopyOnWriteArrayList<>();
    final List<String> springCloudAws = new CopyOnWriteArrayList<>();

    @SqsxListener(queue = "${test.sqsx}")
    void sqsx(String body) {
      sqsx.add(body);
    }

    @SqsListener("${test.legacy}")
    void legacy(String body) {
      springCloudAws.add(body);
    }
  }

  @Test
  void awsLibraryOnTheClassPath_noSpringCloudAwsBucket_sqsxBuildsAConfiguredClient() {
    AwsResources aws = Embedded.resources();
    String sqsxQueue = aws.createQueue();
    String legacyQueue = aws.createQueue();
    String bucket = aws.createBucket();
    String large = "z".repeat(300_000);
    try (ConfigurableApplicationContext context =
        SpringCloudAwsApp.builder(Listeners.class)
            .properties(
                "sqsx.payload.bucket=" + bucket,
                "test.sqsx=" + sqsxQueue,
                "test.legacy=" + legacyQueue,
                "spring.cloud.aws.sqs.listener.poll-timeout=1s")
            .run()) {
      SqsAsyncClient plain = context.getBean(SqsAsyncClient.class);
      assertThat(plain).isNotInstanceOf(AmazonSQSExtendedAsyncClient.class);

      // a message AWS's library wrote before the move (its pointer, its bucket) ...
      try (S3AsyncClient s3 = Embedded.endpoints().newS3AsyncClient();
          SqsAsyncClient awsLibrary =
              new AmazonSQSExtendedAsyncClient(
                  Embedded.endpoints().newSqsAsyncClient(),
                  new ExtendedAsyncClientConfiguration().withPayloadSupportEnabled(s3, bucket))) {
        awsLibrary.sendMessage(r -> r.queueUrl(sqsxQueue).messageBody(large)).join();
        awsLibrary.sendMessage(r -> r.queueUrl(legacyQueue).messageBody(large)).join();
      }
      // ... and one sqsx wrote after it
      SqsAsyncClient sqsx =
          context.getBean(SqsxAutoConfiguration.EXTENDED_ASYNC_CLIENT, SqsAsyncClient.class);
      sqsx.sendMessage(r -> r.queueUrl(sqsxQueue).messageBody(large + "!")).join();

      Listeners listeners = context.getBean(Listeners.class);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> listeners.sqsx.size() == 2 && listeners.springCloudAws.size() == 1);
      assertThat(listeners.sqsx).containsExactlyInAnyOrder(large, large + "!");
      assertThat(listeners.springCloudAws).containsExactly(large);
    }
  }

  @Test
  void bothExtendedClientsConfigured_startupFailsNamingBothProperties() {
    String bucket = Embedded.resources().createBucket();
    assertThatThrownBy(
            () ->
                SpringCloudAwsApp.builder()
                    .properties(
                        "sqsx.payload.bucket=" + bucket,
                        "spring.cloud.aws.sqs.extended.bucket=" + bucket)
                    .run()
                    .close())
        .hasRootCauseInstanceOf(SqsxConfigurationException.class)
        .rootCause()
        .hasMessageStartingWith(
            "sqsx.payload.* and spring.cloud.aws.sqs.extended.bucket are both set");
  }
}
