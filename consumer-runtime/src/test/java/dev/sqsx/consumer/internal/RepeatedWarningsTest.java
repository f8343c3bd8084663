/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RepeatedWarningsTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final RepeatedWarnings warnings = new RepeatedWarnings(now::get);

  @Test
  void theFirstOfAKindIsLogged_repeatsWithinTheWindowAreCounted_andTheNextOneCarriesTheCount() {
    assertThat(warnings.check("QueueDoesNotExistException: gone")).isEmpty();
    for (int i = 0; i < 12; i++) {
      now.addAndGet(2_000);
      assertThat(warnings.check("QueueDoesNotExistException: gone")).isNull();
    }
    now.addAndGet(6_000);
    assertThat(warnings.check("QueueDoesNotExistException: gone"))
        .isEqualTo(" (12 more like this in the last 30 s)");
    now.addAndGet(1_000);
    assertThat(warnings.check("QueueDoesNotExistException: gone")).isNull();
  }

  @Test
  void aWarningAfterAQuietWindow_isLoggedWithoutACount() {
    assertThat(warnings.check("timeout")).isEmpty();
    now.addAndGet(RepeatedWarnings.WINDOW_MILLIS);
    assertThat(warnings.check("timeout")).isEmpty();
  }

  @Test
  void differentKinds_areLimitedApart_andRequestIdsDoNotMakeAKind() {
    assertThat(warnings.check("Sqs error (Service: Sqs, Status Code: 400, Request ID: abc-1)"))
        .isEmpty();
    assertThat(warnings.check("Sqs error (Service: Sqs, Status Code: 400, Request ID: def-2)"))
        .isNull();
    assertThat(warnings.check("gone (Request ID: null) (SDK Attempt Count: 1)")).isEmpty();
    assertThat(warnings.check("gone (Request ID: null) (SDK Attempt Count: 2)")).isNull();
    assertThat(warnings.check("another error")).isEmpty();
  }

  @Test
  void reset_forgetsEveryKind_andReturnsTheRepeatsNotLogged() {
    warnings.check("a");
    warnings.check("a");
    warnings.check("a");
    assertThat(warnings.reset()).isEqualTo(2);
    assertThat(warnings.check("a")).isEmpty();
  }
}
