package dev.sqsx.extended.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
}
