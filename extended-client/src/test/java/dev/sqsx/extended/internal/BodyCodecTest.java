/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqsx.extended.Compression;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

class BodyCodecTest {

  private static final byte[] JSON =
      "{\"orderId\":\"ord-1\",\"lines\":[{\"sku\":\"widget-1\",\"quantity\":2}]}"
          .repeat(2_000)
          .getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest
  @EnumSource(Compression.class)
  void roundTrip_givesTheBytesBack_upToALimitOfExactlyTheirSize(Compression compression) {
    byte[] packed = BodyCodec.compress(compression, JSON);

    assertThat(packed.length).isLessThan(JSON.length / 10);
    assertThat(BodyCodec.decompress(compression, packed, JSON.length)).isEqualTo(JSON);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void oneByteOverTheLimit_isRefused(Compression compression) {
    byte[] packed = BodyCodec.compress(compression, JSON);

    assertThatThrownBy(() -> BodyCodec.decompress(compression, packed, JSON.length - 1))
        .isInstanceOf(BodyCodec.Refused.class)
        .hasMessage(
            "the "
                + compression.encoding()
                + " body ("
                + packed.length
                + " compressed bytes) decompresses to more than maxPayloadSize, "
                + (JSON.length - 1)
                + " bytes; refused without decompressing further");
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void aFlippedBit_isRefused_neverReturnedAsABody(Compression compression) {
    byte[] packed = BodyCodec.compress(compression, JSON);
    packed[packed.length - 6] ^= 0x01;

    assertThatThrownBy(() -> BodyCodec.decompress(compression, packed, 1L << 20))
        .isInstanceOf(BodyCodec.Refused.class)
        .hasMessageStartingWith("the body is not a valid " + compression.encoding() + " stream");
  }

  @Test
  void unknownEncoding_isRefusedByName_cutShortAndPrintable() {
    assertThatThrownBy(() -> Compressing.decompress("br\n" + "x".repeat(100), new byte[1], 10))
        .isInstanceOf(BodyCodec.Refused.class)
        .hasMessage(
            "unknown content encoding 'br?"
                + "x".repeat(29)
                + "…' in the sqsx.ContentEncoding attribute (sqsx reads gzip and zstd)");
  }

  @Test
  void aMessageWithNineAttributes_isNotCompressed_roomIsKeptForTheMarkers() {
    Compressing compressing = new Compressing(Compression.GZIP, 1);
    Map<String, MessageAttributeValue> nine = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 9; i++) {
      nine.put(
          "a" + i, MessageAttributeValue.builder().dataType("String").stringValue("v").build());
    }
    String body = new String(JSON, StandardCharsets.UTF_8);

    assertThat(compressing.compressed(body, nine)).isEmpty();
    nine.remove("a8");
    assertThat(compressing.compressed(body, nine)).isPresent();
  }
}
