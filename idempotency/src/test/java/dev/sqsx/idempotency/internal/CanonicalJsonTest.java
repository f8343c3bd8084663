/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

  @Test
  void canonical_sortsKeysAtEveryDepth_andDropsWhitespace() {
    assertThat(CanonicalJson.canonical(" { \"b\" : [ 2, {\"y\":1,\"x\":null} ], \"a\": true } "))
        .hasValue("{\"a\":true,\"b\":[2,{\"x\":null,\"y\":1}]}");
  }

  @Test
  void sha256_isTheSameForTheSameDocumentWrittenTwoWays() {
    assertThat(CanonicalJson.sha256("{\"b\":1,\"a\":\"x\"}"))
        .isEqualTo(CanonicalJson.sha256("{ \"a\": \"x\",\n \"b\": 1 }"))
        .hasSize(64);
  }

  @Test
  void canonical_keepsNumbersAsWritten_andEscapesStrings() {
    assertThat(CanonicalJson.canonical("[1.0, 1e2, -0, 12345678901234567890]"))
        .hasValue("[1.0,1e2,-0,12345678901234567890]");
    assertThat(CanonicalJson.canonical("{\"q\":\"a\\\"b\\\\c\\n\"}"))
        .hasValue("{\"q\":\"a\\\"b\\\\c\\n\"}");
  }

  @Test
  void notJson_hasNoCanonicalForm_andIsHashedAsItIs() {
    assertThat(CanonicalJson.canonical("plain text")).isEmpty();
    assertThat(CanonicalJson.canonical("{\"a\":")).isEmpty();
    assertThat(CanonicalJson.canonical("{\"a\":1} trailing")).isEmpty();
    assertThat(CanonicalJson.canonical(null)).isEmpty();
    assertThat(CanonicalJson.sha256("abc"))
        .as("SHA-256 of the body itself (the FIPS 180-2 test vector)")
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void at_readsAJsonPointer_stringsAsTheyAre_othersCanonical() {
    String body =
        "{\"order\":{\"id\":\"o-1\",\"lines\":[{\"sku\":\"a\"},{\"sku\":\"b\"}],\"n\":7}}";

    assertThat(CanonicalJson.at(body, "/order/id")).hasValue("o-1");
    assertThat(CanonicalJson.at(body, "/order/lines/1/sku")).hasValue("b");
    assertThat(CanonicalJson.at(body, "/order/n")).hasValue("7");
    assertThat(CanonicalJson.at(body, "/order/lines/0")).hasValue("{\"sku\":\"a\"}");
    assertThat(CanonicalJson.at(body, "/order/missing")).isEmpty();
    assertThat(CanonicalJson.at(body, "/order/lines/9")).isEmpty();
    assertThat(CanonicalJson.at("{\"a/b\":{\"~\":1}}", "/a~1b/~0")).hasValue("1");
    assertThat(CanonicalJson.at("not json", "/a")).isEmpty();
  }

  @Test
  void payloadHash_comparesNumbersByExactValue_andNamesItsScheme() {
    String hash = CanonicalJson.payloadHash("{\"amount\":1,\"items\":[100]}");

    assertThat(hash).startsWith("v2:").hasSize(3 + 64);
    assertThat(CanonicalJson.payloadHash("{ \"items\": [1E+2], \"amount\": 1.0 }")).isEqualTo(hash);
    assertThat(CanonicalJson.payloadHash("{\"amount\":10E-1,\"items\":[100.000]}")).isEqualTo(hash);
    assertThat(CanonicalJson.payloadHash("{\"amount\":1.5,\"items\":[100]}")).isNotEqualTo(hash);
    assertThat(CanonicalJson.payloadHash("[12345678901234567890]"))
        .as("no rounding to a double")
        .isNotEqualTo(CanonicalJson.payloadHash("[12345678901234567891]"));
    assertThat(CanonicalJson.payloadHash("[0]")).isEqualTo(CanonicalJson.payloadHash("[-0.0]"));
    assertThat(CanonicalJson.payloadHash("[1e999999999999]")).startsWith("v2:");
    assertThat(CanonicalJson.schemeOf(hash)).isEqualTo("v2:");
    assertThat(CanonicalJson.schemeOf(CanonicalJson.sha256("{}"))).isEmpty();
  }

  @Test
  void keys_stillKeepNumbersAsWritten_soAKeyNeverChangesAcrossAnUpgrade() {
    assertThat(CanonicalJson.sha256("{\"id\":1.0}"))
        .isNotEqualTo(CanonicalJson.sha256("{\"id\":1}"));
    assertThat(CanonicalJson.at("{\"id\":100}", "/id")).hasValue("100");
  }
}
