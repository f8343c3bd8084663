/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

import dev.sqsx.consumer.NonRetryableException;

/**
 * A message reuses an idempotency key with a different payload: not a duplicate but a conflict,
 * reported and dead-lettered (not retryable), never silently skipped.
 */
public class PayloadConflictException extends NonRetryableException {

  private static final long serialVersionUID = 1L;

  /** An exception naming the key and the message. */
  public PayloadConflictException(String key, String messageId) {
    super(
        "idempotency key "
            + key
            + " was already used with a different payload; message "
            + messageId
            + " is a conflict, not a duplicate");
  }
}
