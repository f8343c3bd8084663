/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.testing.AwsResources;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code sqsx.consumer.max-long-polls} reaches the consumers: their long-poll budget. */
class MaxLongPollsIT {

  /** Two listeners on the application's one SQS client. */
  static class TwoListeners {
    @SqsxListener(queue = "${test.one}")
    void one(String body) {}

    @SqsxListener(queue = "${test.two}")
    void two(String body) {}
  }

  @Test
  void aBudgetOfOneLongPoll_refusesTheSecondListener_namingTheLimitsToRaise() {
    AwsResources aws = Embedded.resources();
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                JacksonAutoConfiguration.class,
                io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration.class,
                io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration.class,
                io.awspring.cloud.autoconfigure.sqs.SqsAutoConfiguration.class,
                SqsxAutoConfiguration.class,
                SqsxSpringCloudAwsAutoConfiguration.class))
        .withUserConfiguration(Embedded.Clients.class)
        .withBean(TwoListeners.class, TwoListeners::new)
        .withPropertyValues(
            "spring.cloud.aws.region.static=us-east-1",
            "spring.cloud.aws.credentials.access-key=test",
            "spring.cloud.aws.credentials.secret-key=test",
            "sqsx.consumer.wait-time=1s",
            "sqsx.consumer.max-long-polls=1",
            "test.one=" + aws.createQueue(),
            "test.two=" + aws.createQueue())
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable cause = context.getStartupFailure();
              while (cause.getCause() != null) {
                cause = cause.getCause();
              }
              assertThat(cause)
                  .hasMessageContaining("already serves 1 running consumer(s)")
                  .hasMessageContaining("maxLongPolls is 1")
                  .hasMessageContaining("sqsx.consumer.max-long-polls");
            });
  }
}
