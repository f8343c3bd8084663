/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @RepeatedTest(20)
  void exponential_growsWithJitterBetweenHalfAndAll_andIsCapped() {
    RetryPolicy policy =
        RetryPolicy.exponential(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10));

    assertThat(policy.delayAfter(1)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(policy.delayAfter(3)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
    assertThat(policy.delayAfter(10)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  @Test
  void fixedLinearImmediate_areExact() {
    assertThat(RetryPolicy.fixed(Duration.ofSeconds(7)).delayAfter(4))
        .isEqualTo(Duration.ofSeconds(7));
    RetryPolicy linear =
        RetryPolicy.linear(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    assertThat(linear.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(linear.delayAfter(2)).isEqualTo(Duration.ofSeconds(3));
    assertThat(linear.delayAfter(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(RetryPolicy.immediate().delayAfter(9)).isZero();
  }

  @Test
  void delays_neverExceedTwelveHours_andTheWorstCaseAddsUp() {
    RetryPolicy huge = RetryPolicy.fixed(Duration.ofDays(2));

    assertThat(huge.delayAfter(1)).isEqualTo(Duration.ofHours(12));
    assertThat(RetryPolicy.fixed(Duration.ofMinutes(10)).worstCaseBefore(4))
        .isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void invalidArguments_nameTheRule() {
    assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ZERO, 2, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initial must be positive, was PT0S");
    assertThatThrownBy(
            () -> RetryPolicy.exponential(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("multiplier must be a finite number >= 1, was 0.5");
    assertThatThrownBy(() -> RetryPolicy.fixed(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delay must not be negative, was PT-1S");
  }
}
