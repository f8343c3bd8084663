/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HandlerPaceTest {

  @Test
  void handlersAreQuickOnlyOnceTheyHaveShownIt_andOnlyForMessagesThatHaveNotWaitedLong() {
    HandlerPace pace = new HandlerPace();
    assertThat(pace.quick(0)).as("before any run").isFalse();

    for (int i = 0; i < 100; i++) {
      pace.ran(2_000);
    }
    assertThat(pace.quick(0)).isTrue();
    assertThat(pace.quick(HandlerPace.QUICK_WAIT_MILLIS - 1)).isTrue();
    assertThat(pace.quick(HandlerPace.QUICK_WAIT_MILLIS)).as("waited too long").isFalse();
  }

  @Test
  void aSlowRunOrAnAsynchronousOne_endsQuickness() {
    HandlerPace slow = new HandlerPace();
    HandlerPace async = new HandlerPace();
    for (int i = 0; i < 100; i++) {
      slow.ran(2_000);
      async.ran(2_000);
    }

    slow.ran(5_000_000); // one 5 ms run lifts the average past 50 µs
    async.ranAsynchronously();

    assertThat(slow.quick(0)).isFalse();
    assertThat(async.quick(0)).isFalse();
  }
}
