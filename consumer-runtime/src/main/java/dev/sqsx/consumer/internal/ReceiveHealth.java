/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.ReceiveFailures;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Whether the consumer's receives are failing now: the run of failed receives since the last one
 * that succeeded. Thread-safe.
 */
public final class ReceiveHealth {

  private ReceiveFailures failing;

  /** Records a failed receive at {@code now}; returns the run of failures it belongs to. */
  public synchronized ReceiveFailures failed(Throwable error, Instant now) {
    String text = describe(error);
    failing =
        failing == null
            ? new ReceiveFailures(1, now, text)
            : new ReceiveFailures(failing.count() + 1, failing.since(), text);
    return failing;
  }

  /** Records a receive that succeeded; returns the run of failures it ended, if there was one. */
  public synchronized Optional<ReceiveFailures> succeeded() {
    ReceiveFailures ended = failing;
    failing = null;
    return Optional.ofNullable(ended);
  }

  /** The run of failed receives going on now, or empty when the last receive succeeded. */
  public synchronized Optional<ReceiveFailures> failing() {
    return Optional.ofNullable(failing);
  }

  /** The failure itself (not its CompletionException wrapper): class and message. */
  public static String describe(Throwable error) {
    Throwable cause = unwrap(error);
    return cause.toString();
  }

  static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
