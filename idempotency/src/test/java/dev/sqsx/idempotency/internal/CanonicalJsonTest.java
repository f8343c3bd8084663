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
}
