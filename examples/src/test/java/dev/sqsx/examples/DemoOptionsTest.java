/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

  @Test
  void defaults_matchTheReadme() {
    DemoOptions options = DemoOptions.parse();

    assertThat(options.messages()).isEqualTo(2000);
    assertThat(options.concurrency()).isEqualTo(16);
    assertThat(options.consumers()).isEqualTo(2);
    assertThat(options.idempotency()).isTrue();
    assertThat(options.aws()).isFalse();
    assertThat(options.endpoint()).isNull();
  }

  @Test
  void options_areParsed() {
    DemoOptions options =
        DemoOptions.parse(
            "--messages",
            "50",
            "--concurrency",
            "4",
            "--endpoint",
            "http://localhost:4566",
            "--no-idempotency");

    assertThat(options.messages()).isEqualTo(50);
    assertThat(options.concurrency()).isEqualTo(4);
    assertThat(options.endpoint()).hasToString("http://localhost:4566");
    assertThat(options.idempotency()).isFalse();
  }

  @Test
  void badOptions_sayWhatIsWrong() {
    assertThatThrownBy(() -> DemoOptions.parse("--messages", "0"))
        .hasMessage("--messages must be 1..1000000, was 0");
    assertThatThrownBy(() -> DemoOptions.parse("--messages"))
        .hasMessage("--messages needs a value (see --help)");
    assertThatThrownBy(() -> DemoOptions.parse("--frobnicate"))
        .hasMessage("unknown option '--frobnicate' (see --help)");
    assertThatThrownBy(() -> DemoOptions.parse("--aws", "--endpoint", "http://x"))
        .hasMessage("--aws and --endpoint exclude each other");
  }

  @Test
  void help_printsTheUsage_andBadUsageExitsWith2() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

    assertThat(OrderPipelineDemo.run(new String[] {"--help"}, out)).isZero();
    assertThat(OrderPipelineDemo.run(new String[] {"--bogus"}, out)).isEqualTo(2);
    assertThat(buffer.toString(StandardCharsets.UTF_8))
        .contains("--no-idempotency")
        .contains("error: unknown option '--bogus'");
  }
}
