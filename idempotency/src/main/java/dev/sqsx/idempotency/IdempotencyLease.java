/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

/**
 * What a handler learns about the key it holds while it applies the side effect.
 *
 * <p>Pass {@link #fencingToken()} to downstream writes that can check it (a conditional write, a
 * version column): a worker whose lease was taken over holds a smaller token, so its late writes
 * can be refused.
 */
public interface IdempotencyLease {

  /** The namespaced key. */
  String key();

  /** A number that grows with every claim of the key (the record's version). */
  long fencingToken();

  /**
   * False once a renewal found the key taken over, or once the lease end passed without a
   * successful renewal (the store could not be reached): stop, another worker may take the key.
   */
  boolean isHeld();
}
