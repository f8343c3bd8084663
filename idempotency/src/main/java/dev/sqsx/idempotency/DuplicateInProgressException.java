/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

/**
 * The message is a duplicate of one another worker is handling right now: it is left for redelivery
 * (retryable), by which time the other worker has completed or released the key.
 */
public class DuplicateInProgressException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An exception naming the key and the message. */
  public DuplicateInProgressException(String key, String messageId) {
    super("idempotency key " + key + " of message " + messageId + " is being handled elsewhere");
  }
}
