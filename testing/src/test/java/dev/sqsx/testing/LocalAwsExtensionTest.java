package dev.sqsx.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.testing.internal.Docker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

class LocalAwsExtensionTest {

  private final LocalAwsExtension extension = new LocalAwsExtension();

  @Test
  void localStackMode_isSkippedExactlyWhenNoDockerEngineAnswers() {
    String before = System.getProperty(AwsMode.PROPERTY);
    try {
      System.setProperty(AwsMode.PROPERTY, "localstack");

      ConditionEvaluationResult result = extension.evaluateExecutionCondition(null);

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

      assertThat(extension.evaluateExecutionCondition(null).isDisabled()).isFalse();
    } finally {
      AwsModeTest.restore(before);
    }
  }
}
