/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;

class PayloadSweeperTest {

  @Test
  void standardQueue_redrivenBySqsOnly_aDeadLetterKeepsItsEnqueueTime_soTheLongerBounds() {
    assertThat(
            PayloadSweeper.pointerLifetime(
                false, true, Duration.ofDays(4), Optional.of(Duration.ofDays(14))))
        .isEqualTo(Duration.ofDays(14));
    assertThat(
            PayloadSweeper.pointerLifetime(
                false, true, Duration.ofDays(14), Optional.of(Duration.ofDays(4))))
        .isEqualTo(Duration.ofDays(14));
  }

  @Test
  void standardQueue_deadLetteredByASend_theDeadLettersRetentionStartsAfresh_soTheyAdd() {
    assertThat(
            PayloadSweeper.pointerLifetime(
                false, false, Duration.ofDays(4), Optional.of(Duration.ofDays(14))))
        .isEqualTo(Duration.ofDays(18));
  }

  @Test
  void fifoQueue_theDeadLetterQueuesRetentionStartsAfresh_soTheyAdd() {
    assertThat(
            PayloadSweeper.pointerLifetime(
                true, true, Duration.ofDays(4), Optional.of(Duration.ofDays(14))))
        .isEqualTo(Duration.ofDays(18));
  }

  @Test
  void withoutADeadLetterQueue_theSourcesRetentionBounds() {
    assertThat(PayloadSweeper.pointerLifetime(true, false, Duration.ofDays(4), Optional.empty()))
        .isEqualTo(Duration.ofDays(4));
  }

  @Test
  void eachRedrive_addsTheLongestLifetimeAgain_thenTheMargin() {
    Duration longest = Duration.ofDays(18);
    assertThat(PayloadSweeper.bound(longest, 0, Duration.ofHours(1)))
        .isEqualTo(Duration.ofDays(18).plusHours(1));
    assertThat(PayloadSweeper.bound(longest, 1, Duration.ofHours(1)))
        .as("a dead letter redriven as it expires lives a whole lifetime again")
        .isEqualTo(Duration.ofDays(36).plusHours(1));
    assertThat(PayloadSweeper.bound(longest, 3, Duration.ZERO)).isEqualTo(Duration.ofDays(72));
  }

  @Test
  void lifecycleRule_expiresThePrefixAfterTheAgeInWholeDaysRoundedUp() {
    LifecycleRule rule =
        PayloadSweeper.lifecycleRule("sqsx-orphans", "orders/", Duration.ofDays(14).plusHours(1));

    assertThat(rule.id()).isEqualTo("sqsx-orphans");
    assertThat(rule.filter().prefix()).isEqualTo("orders/");
    assertThat(rule.status()).isEqualTo(ExpirationStatus.ENABLED);
    assertThat(rule.expiration().days()).isEqualTo(15);
    assertThat(PayloadSweeper.days(Duration.ofDays(14))).isEqualTo(14);
    assertThat(PayloadSweeper.days(Duration.ofSeconds(1))).isEqualTo(1);
  }

  @Test
  void lifecycleRule_refusesAnEmptyPrefixAndAnAgeThatIsNotPositive() {
    assertThatThrownBy(() -> PayloadSweeper.lifecycleRule("r", "", Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyPrefix must not be empty");
    assertThatThrownBy(() -> PayloadSweeper.lifecycleRule("r", "p/", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("age must be positive");
  }

  @Test
  void lifecycleRule_refusesAPrefixNotEndingInSlash_whichWouldExpireKeysThatMerelyStartWithIt() {
    // a rule's filter is a plain string prefix: "tenant-a" would expire "tenant-ab/invoice.pdf"
    assertThatThrownBy(() -> PayloadSweeper.lifecycleRule("r", "tenant-a", Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyPrefix must end in '/'")
        .hasMessageContaining("tenant-a");
  }
}
