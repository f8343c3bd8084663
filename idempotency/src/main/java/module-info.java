/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * sqsx's idempotency: {@code IdempotentHandler} over a DynamoDB or in-memory key store, so
 * at-least-once delivery applies each side effect once. Only {@code dev.sqsx.idempotency} is
 * exported; {@code dev.sqsx.idempotency.internal} is not API. Micrometer is optional.
 */
module dev.sqsx.idempotency {
  requires transitive dev.sqsx.consumer;
  requires transitive software.amazon.awssdk.services.dynamodb;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.retries.api;
  requires com.fasterxml.jackson.core;
  requires org.slf4j;
  requires static micrometer.core;

  exports dev.sqsx.idempotency;
}
