/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AwsModeTest {

  @Test
  void parse_acceptsNamesInAnyCase() {
    assertThat(AwsMode.parse("embedded")).isEqualTo(AwsMode.EMBEDDED);
    assertThat(AwsMode.parse(" LocalStack ")).isEqualTo(AwsMode.LOCALSTACK);
    assertThat(AwsMode.parse("Endpoint")).isEqualTo(AwsMode.ENDPOINT);
    assertThat(AwsMode.parse("aws")).isEqualTo(AwsMode.AWS);
  }

  @Test
  void parse_unknownName_listsTheModes() {
    assertThatThrownBy(() -> AwsMode.parse("docker"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "sqsx.aws.mode must be one of embedded, localstack, endpoint, aws"
                + " (case-insensitive), was 'docker'");
  }

  @Test
  void fromEnvironment_prefersTheSystemProperty() {
    String before = System.getProperty(AwsMode.PROPERTY);
    try {
      System.setProperty(AwsMode.PROPERTY, "endpoint");
      assertThat(AwsMode.fromEnvironment()).isEqualTo(AwsMode.ENDPOINT);
    } finally {
      restore(before);
    }
  }

  static void restore(String before) {
    if (before == null) {
      System.clearProperty(AwsMode.PROPERTY);
    } else {
      System.setProperty(AwsMode.PROPERTY, before);
    }
  }
}
