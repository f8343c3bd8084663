/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

/**
 * Thrown inside a store's capped read ({@link PayloadStore#readUtf8IfAtMost}) when the payload is
 * larger than the cap, to stop the read before its body; caught there and answered as empty. Never
 * leaves the store.
 */
final class OverCap extends RuntimeException {
  private static final long serialVersionUID = 1L;

  OverCap() {
    super("the payload is over the read's cap", null, false, false);
  }

  /** Whether {@code error} or one of its causes is an {@code OverCap}. */
  static boolean in(Throwable error) {
    for (Throwable c = error; c != null; c = c.getCause()) {
      if (c instanceof OverCap) {
        return true;
      }
    }
    return false;
  }
}
