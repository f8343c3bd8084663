/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Bad configuration fails startup, and the message names what to fix. */
class StartupErrorsIT {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  JacksonAutoConfiguration.class,
                  SqsxAutoConfiguration.class,
                  SqsxHealthAutoConfiguration.class))
          .withUserConfiguration(Embedded.Clients.class);

  static class OnUnknownQueue {
    @SqsxListener(queue = "no-such-queue-anywhere")
    void handle(String body) {}
  }

  static class WithAnInstant {
    @SqsxListener(queue = "${test.queue}")
    void handle(Instant when) {}
  }

  static class WithTwoBodies {
    @SqsxListener(queue = "${test.queue}")
    void handle(String body, byte[] bytes) {}
  }

  static class Idempotent {
    @SqsxListener(queue = "${test.queue}", idempotencyKey = "/orderId")
    void handle(String body) {}
  }

  private String failure(ApplicationContextRunner configured) {
    String[] message = new String[1];
    configured.run(
        context -> {
          assertThat(context).hasFailed();
          Throwable failure = context.getStartupFailure();
          while (failure != null && !(failure instanceof SqsxConfigurationException)) {
            failure = failure.getCause();
          }
          assertThat(failure).as("an SqsxConfigurationException in the chain").isNotNull();
          message[0] = failure.getMessage();
        });
    return message[0];
  }

  @Test
  void payloadSettingsWithoutABucketOrTable_nameTheProperty() {
    assertThat(failure(runner.withPropertyValues("sqsx.payload.threshold=1000")))
        .startsWith("sqsx.payload.bucket (or sqsx.payload.table) must be set");
    assertThat(
            failure(
                runner.withPropertyValues(
                    "sqsx.payload.bucket=b", "sqsx.payload.threshold=2000000")))
        .startsWith("sqsx.payload.threshold must be 1..1048576");
  }

  @Test
  void anUnknownQueue_namesTheMethodAndTheQueue() {
    assertThat(failure(runner.withBean(OnUnknownQueue.class)))
        .isEqualTo(
            "@SqsxListener dev.sqsx.spring.StartupErrorsIT$OnUnknownQueue.handle: queue"
                + " 'no-such-queue-anywhere' does not exist");
  }

  @Test
  void unsupportedParameters_nameTheMethod() {
    String queue = Embedded.resources().createQueue();
    assertThat(
            failure(runner.withBean(WithAnInstant.class).withPropertyValues("test.queue=" + queue)))
        .startsWith("@SqsxListener dev.sqsx.spring.StartupErrorsIT$WithAnInstant.handle: parameter")
        .contains("of type java.time.Instant is not supported");
    assertThat(
            failure(runner.withBean(WithTwoBodies.class).withPropertyValues("test.queue=" + queue)))
        .isEqualTo(
            "@SqsxListener dev.sqsx.spring.StartupErrorsIT$WithTwoBodies.handle: 2 parameters"
                + " take the body (String, byte[] or a JSON class): at most one may");
  }

  @Test
  void anIdempotencyKeyWithoutATable_namesTheProperty() {
    String queue = Embedded.resources().createQueue();
    assertThat(failure(runner.withBean(Idempotent.class).withPropertyValues("test.queue=" + queue)))
        .isEqualTo(
            "@SqsxListener dev.sqsx.spring.StartupErrorsIT$Idempotent.handle has idempotencyKey"
                + " \"/orderId\": set sqsx.idempotency.table (the DynamoDB table keys are claimed"
                + " in)");
  }
}
