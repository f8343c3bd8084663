/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

class MarkersTest {

  @org.junit.jupiter.api.Test
  void utf8Length_ofALongString_isTheLengthOfItsEncoding() {
    String longText = "a€\uD83D\uDE00é".repeat(30_000);

    assertThat(Markers.utf8Length(longText))
        .isEqualTo(longText.getBytes(StandardCharsets.UTF_8).length);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "ascii only",
        "é at the end: café",
        "ünïcödé first, then ascii",
        "three-byte € and ✓ signs",
        "a surrogate pair \uD83D\uDE00 and more ascii",
        "\uD83D\uDE00 first"
      })
  void utf8Length_isTheLengthOfTheUtf8Encoding(String value) {
    // (lone surrogates are left out: SQS refuses them, and the count takes them as 3 bytes)
    assertThat(Markers.utf8Length(value)).isEqualTo(value.getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void declaredSize_isTheMarkersNumber_underEitherName_orMinusOne() {
    assertThat(Markers.declaredSize(Map.of(Markers.NAME, number("300000")))).isEqualTo(300_000);
    assertThat(Markers.declaredSize(Map.of(Markers.LEGACY_NAME, number(" 42 ")))).isEqualTo(42);
    assertThat(Markers.declaredSize(Map.of())).isEqualTo(-1);
    assertThat(Markers.declaredSize(Map.of(Markers.NAME, number("lots")))).isEqualTo(-1);
    assertThat(
            Markers.declaredSize(
                Map.of(Markers.NAME, MessageAttributeValue.builder().dataType("Binary").build())))
        .isEqualTo(-1);
  }

  private static MessageAttributeValue number(String value) {
    return MessageAttributeValue.builder().dataType("Number").stringValue(value).build();
  }
}
