/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void defaults_areTheFullRun() {
    Options options = Options.parse(new String[0]);

    assertThat(options.quick()).isFalse();
    assertThat(options.messages()).isEqualTo(20_000);
    assertThat(options.repetitions()).isEqualTo(5);
    assertThat(options.concurrencies()).containsExactly(1, 4, 16, 64);
    assertThat(options.works()).containsExactly(Duration.ZERO, Duration.ofMillis(5));
    assertThat(options.runs("consumer")).isTrue();
    assertThat(options.runs("payloads")).isTrue();
    assertThat(options.runs("noisy")).isTrue();
    assertThat(options.flood()).isEqualTo(10_000);
  }

  @Test
  void quick_isSmaller() {
    Options options = Options.parse(new String[] {"--quick"});

    assertThat(options.messages()).isEqualTo(2_000);
    assertThat(options.repetitions()).isEqualTo(1);
    assertThat(options.concurrencies()).containsExactly(4, 16);
    assertThat(options.payloadSizes()).hasSize(4).contains(900 * 1024);
    assertThat(options.flood()).isEqualTo(2_000);
  }

  @Test
  void explicitValues_override_andOnlyLimitsTheScenarios() {
    Options options =
        Options.parse(
            new String[] {
              "--quick", "--messages", "500", "--repetitions", "2", "--only", "payloads"
            });

    assertThat(options.messages()).isEqualTo(500);
    assertThat(options.repetitions()).isEqualTo(2);
    assertThat(options.runs("payloads")).isTrue();
    assertThat(options.runs("consumer")).isFalse();
  }

  @Test
  void concurrencyAndWork_narrowTheConsumerScenario() {
    Options options = Options.parse(new String[] {"--concurrency", "16,64", "--work", "0"});

    assertThat(options.concurrencies()).containsExactly(16, 64);
    assertThat(options.works()).containsExactly(java.time.Duration.ZERO);
  }

  @Test
  void badUsage_isRefusedWithTheReason() {
    for (List<String> args :
        List.of(
            List.of("--messages", "0"),
            List.of("--messages"),
            List.of("--only", "everything"),
            List.of("--flood", "-1"),
            List.of("--concurrency", "0,4"),
            List.of("--work", "five"),
            List.of("--fast"))) {
      assertThatThrownBy(() -> Options.parse(args.toArray(String[]::new)))
          .as(String.join(" ", args))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(args.get(0));
    }
  }
}
