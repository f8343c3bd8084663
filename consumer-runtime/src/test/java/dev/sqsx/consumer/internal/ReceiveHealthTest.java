/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.consumer.ReceiveFailures;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ReceiveHealthTest {

  @Test
  void failuresInARow_keepTheirStart_countAndLastError_untilAReceiveSucceeds() {
    ReceiveHealth health = new ReceiveHealth();
    assertThat(health.failing()).isEmpty();
    Instant first = Instant.parse("2026-12-03T10:00:00Z");
    health.failed(new CompletionException(new IllegalStateException("one")), first);
    health.failed(new IllegalStateException("two"), first.plusSeconds(5));

    assertThat(health.failing())
        .contains(new ReceiveFailures(2, first, "java.lang.IllegalStateException: two"));
    assertThat(health.succeeded())
        .contains(new ReceiveFailures(2, first, "java.lang.IllegalStateException: two"));
    assertThat(health.failing()).isEmpty();
    assertThat(health.succeeded()).isEmpty();
  }

  @Test
  void theLastError_isTheCauseNotItsCompletionWrapper() {
    assertThat(
            ReceiveHealth.describe(
                new CompletionException(
                    new java.io.UncheckedIOException(new java.io.IOException("x")))))
        .startsWith("java.io.UncheckedIOException");
  }
}
