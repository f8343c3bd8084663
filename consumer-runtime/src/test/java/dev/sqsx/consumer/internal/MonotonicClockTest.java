/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MonotonicClockTest {

  @Test
  void startsAtWallTime_andNeverGoesBack() {
    long wall = System.currentTimeMillis();
    MonotonicClock clock = MonotonicClock.start();

    assertThat(clock.millis()).isBetween(wall - 5, wall + 1_000);
    long last = clock.millis();
    for (int i = 0; i < 100_000; i++) {
      long now = clock.millis();
      assertThat(now).isGreaterThanOrEqualTo(last);
      last = now;
    }
    assertThat(clock.instant().toEpochMilli()).isGreaterThanOrEqualTo(last);
  }
}
