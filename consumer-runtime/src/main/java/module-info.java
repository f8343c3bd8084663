/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * sqsx's consumer runtime: {@code SqsConsumer} and its handler, retry and dead-letter types. Only
 * {@code dev.sqsx.consumer} is exported; {@code dev.sqsx.consumer.internal} is not API. The
 * extended client, Micrometer and resilience4j are optional: needed only when a consumer is given
 * one.
 */
@SuppressWarnings("module") // dev.sqsx.lambda is not on this module's path when it compiles
module dev.sqsx.consumer {
  requires transitive software.amazon.awssdk.services.sqs;
  requires transitive software.amazon.awssdk.core;
  requires com.fasterxml.jackson.jr.ob;
  requires org.slf4j;
  requires static dev.sqsx.extended;
  requires static micrometer.core;
  requires static io.github.resilience4j.core;
  requires static io.github.resilience4j.circuitbreaker;
  requires static io.github.resilience4j.ratelimiter;

  exports dev.sqsx.consumer;
  // the settlement core and its lease, for sqsx-lambda's runner only (not API)
  exports dev.sqsx.consumer.internal to
      dev.sqsx.lambda;
}
