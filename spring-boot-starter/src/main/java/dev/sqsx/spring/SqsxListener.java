/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated bean method for each message of a queue, in an {@code SqsConsumer} that starts
 * when the application context is ready and stops, gracefully, when it closes. Through the extended
 * client when a payload store is configured ({@code sqsx.payload.*}): large payloads arrive
 * resolved.
 *
 * <p>Parameters, in any order: {@code String} (the body), {@code byte[]} (the body's UTF-8 bytes),
 * {@code ReceivedMessage}, a {@link MessageAttribute}-annotated {@code String}, and at most one
 * other type, read from the JSON body with the application's Jackson {@code JsonMapper}. Returning
 * normally deletes the message; throwing retries it with backoff ({@code NonRetryableException}:
 * straight to the DLQ, with its reason). Anything else fails startup, naming the method.
 *
 * <p>A method that returns a {@code String}, a {@code ReplyMessage} or a {@code CompletionStage} of
 * either answers requests (needs {@code dev.sqsx:sqsx-request-response}): what it returns is sent,
 * through an {@code SqsResponder}, to the request's reply-to queue ({@code ResponseQueueUrl}, as
 * {@code SqsRequester} sets it) before the request is deleted; a failed send retries the request; a
 * request without a reply-to, or with one the responder's default rule refuses (another account or
 * endpoint), goes to the DLQ with the reason. Such a method cannot also have an {@link
 * #idempotencyKey()}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SqsxListener {

  /** The queue: its name or URL; {@code ${...}} placeholders are resolved. */
  String queue();

  /** Handlers run at once; 0 (default): {@code sqsx.consumer.concurrency}, else 10. */
  int concurrency() default 0;

  /**
   * Apply each message's effect once across redeliveries and duplicates: the key, one of {@code
   * messageId}, {@code deduplicationId}, {@code bodySha256}, or a JSON pointer into the body such
   * as {@code /orderId}. Needs {@code sqsx.idempotency.table}. Default: none.
   */
  String idempotencyKey() default "";

  /**
   * A resilience4j circuit breaker guarding the handler, by name: from the application's {@code
   * CircuitBreakerRegistry} bean, else from a default registry. While it is open the consumer stops
   * polling; its state shows in the health details. Needs resilience4j-circuitbreaker. Default:
   * none.
   */
  String circuitBreaker() default "";

  /** The listener's name in logs, health and metrics; default: {@code bean.method}. */
  String id() default "";
}
