/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.testing.internal.Docker;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

class LocalAwsExtensionTest {

  @Test
  void localStackMode_isSkippedExactlyWhenNoDockerEngineAnswers() {
    String before = System.getProperty(AwsMode.PROPERTY);
    try {
      System.setProperty(AwsMode.PROPERTY, "localstack");

      ConditionEvaluationResult result =
          LocalAwsExtension.evaluate(AwsMode.fromEnvironment(), Optional.empty());

      assertThat(result.isDisabled()).isEqualTo(!Docker.isAvailable());
      if (result.isDisabled()) {
        assertThat(result.getReason()).hasValueSatisfying(r -> assertThat(r).contains("Docker"));
      }
    } finally {
      AwsModeTest.restore(before);
    }
  }

  @Test
  void embeddedMode_isAlwaysEnabled() {
    String before = System.getProperty(AwsMode.PROPERTY);
    try {
      System.setProperty(AwsMode.PROPERTY, "embedded");

      assertThat(
              LocalAwsExtension.evaluate(AwsMode.fromEnvironment(), Optional.empty()).isDisabled())
          .isFalse();
    } finally {
      AwsModeTest.restore(before);
    }
  }

  @Test
  void aTestRequiringAFeature_isDisabledInEmbeddedMode_withTheReason_andRunsElsewhere() {
    Optional<RequiresEndpointFeature> ttl =
        Optional.of(Needs.class.getAnnotation(RequiresEndpointFeature.class));

    ConditionEvaluationResult embedded = LocalAwsExtension.evaluate(AwsMode.EMBEDDED, ttl);
    ConditionEvaluationResult aws = LocalAwsExtension.evaluate(AwsMode.AWS, ttl);

    assertThat(embedded.isDisabled()).isTrue();
    assertThat(embedded.getReason())
        .hasValue(
            "needs DynamoDB time to live (UpdateTimeToLive and the sweeping of expired items),"
                + " which the embedded endpoints do not implement (the embedded DynamoDB is"
                + " dynalite); it runs with sqsx.aws.mode=localstack, endpoint or aws");
    assertThat(aws.isDisabled()).isFalse();
    assertThat(AwsMode.EMBEDDED.supports(EndpointFeature.DYNAMODB_TRANSACTIONS)).isFalse();
    assertThat(AwsMode.ENDPOINT.supports(EndpointFeature.DYNAMODB_TRANSACTIONS)).isTrue();
  }

  @RequiresEndpointFeature(EndpointFeature.DYNAMODB_TIME_TO_LIVE)
  private static final class Needs {}
}
