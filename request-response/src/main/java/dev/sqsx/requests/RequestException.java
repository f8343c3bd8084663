/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

/**
 * A request that got no reply: it could not be sent, or the requester closed before its reply came.
 * Names the request queue and the correlation id.
 */
public class RequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String queueUrl;
  private final String correlationId;

  /** A failure of the request {@code correlationId} sent to {@code queueUrl}. */
  public RequestException(String message, String queueUrl, String correlationId, Throwable cause) {
    super(message, cause);
    this.queueUrl = queueUrl;
    this.correlationId = correlationId;
  }

  /** The queue the request was sent to. */
  public String queueUrl() {
    return queueUrl;
  }

  /** The request's correlation id. */
  public String correlationId() {
    return correlationId;
  }
}
