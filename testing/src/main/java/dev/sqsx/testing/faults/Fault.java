/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.faults;

/**
 * A kind of failure a {@link FaultInjector} puts between an SDK client and its endpoint. Each is
 * what the SDK would see from a real network or a real AWS endpoint, so the SDK's own retry and
 * error handling, and then sqsx's, run unchanged.
 */
public enum Fault {
  /** HTTP 500 {@code InternalError}; the request never reached the endpoint. Retryable. */
  SERVER_ERROR,
  /** HTTP 503 {@code ServiceUnavailable}; the request never reached the endpoint. Retryable. */
  SERVICE_UNAVAILABLE,
  /**
   * The service's throttling error ({@code RequestThrottled} for SQS, {@code SlowDown} 503 for S3,
   * {@code ThrottlingException} for DynamoDB); the request never reached the endpoint.
   */
  THROTTLING,
  /** The connection is reset before the request is sent ({@code java.net.SocketException}). */
  CONNECTION_RESET,
  /**
   * The request reaches the endpoint and is applied, then the connection is reset before the
   * response arrives: the caller cannot tell whether it happened (the case that makes retries
   * produce duplicates).
   */
  RESPONSE_LOST
}
