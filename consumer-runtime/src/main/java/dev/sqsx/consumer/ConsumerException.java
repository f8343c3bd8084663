/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

/**
 * The base of the exceptions the consumer runtime throws: a consumer that cannot start (its queue
 * cannot be read) or is used wrongly. Failures of single messages are never thrown; they are logged
 * with queue URL and message id, counted, and handled by the failure policy.
 */
public class ConsumerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An exception with its message. */
  public ConsumerException(String message) {
    super(message);
  }

  /** An exception with its message and cause. */
  public ConsumerException(String message, Throwable cause) {
    super(message, cause);
  }
}
