/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.extended.ExtendedClientException;
import dev.sqsx.extended.MalformedPointerException;
import dev.sqsx.extended.PayloadEncodingException;
import dev.sqsx.extended.PayloadIntegrityException;
import dev.sqsx.extended.PayloadNotAllowedException;
import dev.sqsx.extended.PayloadNotFoundException;
import dev.sqsx.extended.PayloadTooLargeException;
import org.junit.jupiter.api.Test;

class DefaultNonRetryableTest {

  @Test
  void payloadFailuresRetryingCannotFix_andTheirSubclasses_areNotRetried() {
    assertThat(
            NonRetryableException.isNonRetryableByDefault(error(MalformedPointerException.class)))
        .isTrue();
    assertThat(
            NonRetryableException.isNonRetryableByDefault(error(PayloadNotAllowedException.class)))
        .isTrue();
    assertThat(
            NonRetryableException.isNonRetryableByDefault(error(PayloadIntegrityException.class)))
        .isTrue();
    assertThat(NonRetryableException.isNonRetryableByDefault(error(PayloadEncodingException.class)))
        .as("an unknown encoding, a corrupt stream or a zip bomb")
        .isTrue();
    assertThat(NonRetryableException.isNonRetryableByDefault(error(PayloadTooLargeException.class)))
        .as("a subclass of PayloadNotAllowedException")
        .isTrue();
    assertThat(
            NonRetryableException.isNonRetryableByDefault(
                new PayloadIntegrityException("tampered", null, null, null, null) {
                  private static final long serialVersionUID = 1L;
                }))
        .as("a user's own subclass")
        .isTrue();
  }

  @Test
  void failuresThatMayPass_areRetried() {
    assertThat(NonRetryableException.isNonRetryableByDefault(error(PayloadNotFoundException.class)))
        .isFalse();
    assertThat(NonRetryableException.isNonRetryableByDefault(error(ExtendedClientException.class)))
        .isFalse();
    assertThat(NonRetryableException.isNonRetryableByDefault(new IllegalStateException("db down")))
        .isFalse();
  }

  private static RuntimeException error(Class<? extends ExtendedClientException> type) {
    try {
      return type.getConstructor(
              String.class,
              String.class,
              String.class,
              dev.sqsx.extended.PayloadPointer.class,
              Throwable.class)
          .newInstance("failure", null, null, null, null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aCauseChainThatLoops_isFollowedOnce() {
    IllegalStateException first = new IllegalStateException("first");
    IllegalArgumentException second = new IllegalArgumentException("second", first);
    first.initCause(second);

    assertThat(NonRetryableException.orAnyCause(e -> false).test(first)).isFalse();
    assertThat(NonRetryableException.orAnyCause(e -> e == second).test(first)).isTrue();
  }
}
