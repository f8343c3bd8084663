/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * sqsx's OpenTelemetry tracing: {@code SqsxTracing} injects trace context into outgoing messages
 * (an {@code AttributeInjector} for the extended clients, an SDK interceptor for plain clients) and
 * observes each consumed message with a CONSUMER span ({@code MessageObserver}).
 */
module dev.sqsx.tracing {
  requires transitive io.opentelemetry.api;
  requires transitive io.opentelemetry.context;
  requires transitive dev.sqsx.extended;
  requires transitive dev.sqsx.consumer;
  requires transitive software.amazon.awssdk.services.sqs;
  requires transitive software.amazon.awssdk.core;
  requires org.slf4j;

  exports dev.sqsx.tracing;
}
