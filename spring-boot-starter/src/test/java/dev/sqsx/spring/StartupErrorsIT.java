/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

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
  void outOfRangeSettings_failAtBinding_namingPropertyRangeAndValue_withoutAnyListener() {
    assertThat(failure(runner.withPropertyValues("sqsx.consumer.wait-time=30s")))
        .isEqualTo(
            "sqsx.consumer.wait-time must be whole seconds 0s..20s (the SQS long-poll limit), was"
                + " 30s");
    assertThat(failure(runner.withPropertyValues("sqsx.consumer.visibility-timeout=13h")))
        .isEqualTo(
            "sqsx.consumer.visibility-timeout must be whole seconds 1s..43200s (the SQS limit,"
                + " 12h), was 13h");
    assertThat(failure(runner.withPropertyValues("sqsx.consumer.concurrency=0")))
        .isEqualTo("sqsx.consumer.concurrency must be 1..10000 (handlers at once), was 0");
    assertThat(failure(runner.withPropertyValues("sqsx.consumer.shutdown-timeout=2h")))
        .isEqualTo("sqsx.consumer.shutdown-timeout must be 0s..1h (a bounded shutdown), was 2h");
    assertThat(failure(runner.withPropertyValues("sqsx.consumer.max-processing-time=500ms")))
        .startsWith("sqsx.consumer.max-processing-time must be 1s..12h");
    assertThat(failure(runner.withPropertyValues("sqsx.consumer.retry.multiplier=0.5")))
        .isEqualTo(
            "sqsx.consumer.retry.multiplier must be a finite number >= 1 (delays must not"
                + " shrink), was 0.5");
    assertThat(
            failure(
                runner.withPropertyValues(
                    "sqsx.consumer.retry.initial=10s", "sqsx.consumer.retry.max=5s")))
        .isEqualTo(
            "sqsx.consumer.retry.max must be at least sqsx.consumer.retry.initial (10s) (the"
                + " longest delay), was 5s");
    assertThat(failure(runner.withPropertyValues("sqsx.idempotency.lease=0s")))
        .startsWith("sqsx.idempotency.lease must be more than 0s");
    assertThat(failure(runner.withPropertyValues("sqsx.aws.access-key=AKIA")))
        .startsWith("sqsx.aws.secret-key must be set together with sqsx.aws.access-key");
  }

  @Test
  void theStartupReport_namesPropertyValueAndAllowedRange() {
    runner
        .withPropertyValues("sqsx.consumer.wait-time=30s")
        .run(
            context -> {
              assertThat(context).hasFailed();
              FailureAnalysis analysis =
                  new SqsxFailureAnalyzer().analyze(context.getStartupFailure());
              assertThat(analysis.getDescription())
                  .contains(
                      "Property: sqsx.consumer.wait-time",
                      "Value: 30s",
                      "Allowed: whole seconds 0s..20s");
              assertThat(analysis.getAction()).contains("sqsx.consumer.wait-time");
            });
  }

  @Test
  @ExtendWith(OutputCaptureExtension.class)
  void aBootApplication_reportsTheProperty_beforeBootsBindReport(CapturedOutput output) {
    assertThatThrownBy(
            () ->
                SpringCloudAwsApp.builder().properties("sqsx.consumer.wait-time=30s").run().close())
        .isNotNull();
    assertThat(output.getAll())
        .contains(
            "APPLICATION FAILED TO START",
            "Property: sqsx.consumer.wait-time",
            "Value: 30s",
            "Allowed: whole seconds 0s..20s") // sqsx's report: Boot's own has no "Allowed"
        .doesNotContain("Failed to bind properties under");
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
