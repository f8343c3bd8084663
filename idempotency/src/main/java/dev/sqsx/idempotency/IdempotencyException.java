/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

/** The base of the idempotency module's exceptions: a store that cannot be reached or misused. */
public class IdempotencyException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An exception with its message. */
  public IdempotencyException(String message) {
    super(message);
  }

  /** An exception with its message and cause. */
  public IdempotencyException(String message, Throwable cause) {
    super(message, cause);
  }
}
