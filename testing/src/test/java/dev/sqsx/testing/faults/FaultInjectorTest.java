/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.faults;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultInjectorTest {

  @Test
  void failureRate_outOfRange_isRejected() {
    assertThatThrownBy(() -> FaultInjector.builder().failureRate(1.5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failureRate must be 0.0..1.0, was 1.5");
  }

  @Test
  void noFaultKinds_withAFailureRate_isRejected() {
    assertThatThrownBy(() -> FaultInjector.builder().failureRate(0.1).faults().build())
        .hasMessage("faults must name at least one Fault when failureRate is above 0");
  }

  @Test
  void latency_outOfRange_isRejected() {
    assertThatThrownBy(() -> FaultInjector.builder().latency(2, Duration.ofMillis(5)).build())
        .hasMessage("latency rate must be 0.0..1.0, was 2.0");
    assertThatThrownBy(() -> FaultInjector.builder().latency(0.5, Duration.ofMinutes(2)).build())
        .hasMessage(
            "latency max must be PT0S..PT1M (longer looks like a hang, not latency), was PT2M");
    assertThatThrownBy(() -> FaultInjector.builder().latency(0.5, Duration.ZERO).build())
        .hasMessage("latency max must be above zero when its rate is above 0");
  }

  @Test
  void selector_forAnUnknownService_isRejected() {
    assertThatThrownBy(() -> FaultInjector.builder().only("sns:Publish").build())
        .hasMessage("only(...) selectors must start with sqs, s3 or dynamodb, was 'sns:Publish'");
  }
}
