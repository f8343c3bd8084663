/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import java.time.Duration;

/**
 * No reply came within the request's timeout. A reply that comes later is deleted and counted as
 * late ({@link RequesterStats#lateReplies()}); it is never delivered to another request.
 */
public class RequestTimeoutException extends RequestException {

  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  /** The request {@code correlationId} to {@code queueUrl} got no reply within {@code timeout}. */
  public RequestTimeoutException(String queueUrl, String correlationId, Duration timeout) {
    super(
        "no reply within "
            + timeout
            + " to request "
            + correlationId
            + " sent to queue "
            + queueUrl,
        queueUrl,
        correlationId,
        null);
    this.timeout = timeout;
  }

  /** The timeout that passed. */
  public Duration timeout() {
    return timeout;
  }
}
