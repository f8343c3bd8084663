/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Thrown by a handler to say "retrying cannot help" (a malformed order, a validation failure): the
 * message goes to the dead-letter queue at once, with the reason attached.
 */
public class NonRetryableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Failures sqsx never retries by default, besides this exception: a payload pointer that is
   * malformed, names a container not allowed (or a payload over the size limit), or fails its
   * integrity check, a compressed body that cannot be decompressed, and an SNS envelope that cannot
   * be unwrapped. Subclasses match too. Names, not classes: extended-client is an optional
   * dependency of consumer-runtime.
   */
  private static final Set<String> DEFAULT_NON_RETRYABLE =
      Set.of(
          "dev.sqsx.extended.MalformedPointerException",
          "dev.sqsx.extended.PayloadNotAllowedException",
          "dev.sqsx.extended.PayloadIntegrityException",
          "dev.sqsx.extended.PayloadEncodingException",
          "dev.sqsx.extended.SnsEnvelopeException");

  /** An exception with its reason. */
  public NonRetryableException(String message) {
    super(message);
  }

  /** An exception with its reason and cause. */
  public NonRetryableException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * sqsx's default {@code nonRetryable} predicate: whether the error is, or extends, a malformed,
   * not allowed (or too large) or corrupted payload pointer's exception, or an unreadable SNS
   * envelope's.
   */
  public static boolean isNonRetryableByDefault(Throwable error) {
    for (Class<?> type = error.getClass(); type != null; type = type.getSuperclass()) {
      if (DEFAULT_NON_RETRYABLE.contains(type.getName())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The predicate sqsx's runners ({@code SqsConsumer}, sqsx-lambda) apply: true when the error or
   * one of its causes is a {@code NonRetryableException}, or satisfies {@code configured}. A {@code
   * NonRetryableException} anywhere in the chain decides before {@code configured} is asked, so a
   * predicate that throws cannot make it retryable. Cause chains that loop are followed once.
   */
  public static Predicate<Throwable> orAnyCause(Predicate<Throwable> configured) {
    return error -> {
      List<Throwable> chain = causes(error);
      for (Throwable cause : chain) {
        if (cause instanceof NonRetryableException) {
          return true;
        }
      }
      for (Throwable cause : chain) {
        if (configured.test(cause)) {
          return true;
        }
      }
      return false;
    };
  }

  /** The error and its causes, each once (a chain that loops ends where it comes back). */
  private static List<Throwable> causes(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable cause = error; cause != null && seen.add(cause); cause = cause.getCause()) {
      chain.add(cause);
    }
    return chain;
  }
}
