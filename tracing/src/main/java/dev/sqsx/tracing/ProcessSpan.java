/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.tracing;

import dev.sqsx.consumer.MessageObserver;
import dev.sqsx.consumer.ReceivedMessage;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CONSUMER span of one handler run: current while the handler runs, an event per heartbeat and
 * per settled message, ended when the last of its messages is settled.
 */
final class ProcessSpan implements MessageObserver.Observation {

  private final Span span;
  private final Context context;
  private final int messages;
  private final boolean batch;
  private final AtomicInteger unsettled;
  private final AtomicInteger failed = new AtomicInteger();

  /**
   * @param context what the handler runs in: the span, and whatever else the producer's context
   *     carried (W3C baggage, with a propagator that reads it)
   * @param messages how many messages the run has (settled calls before the span ends)
   * @param batch a batch handler's run: outcomes are events per message, not span attributes
   */
  ProcessSpan(Context context, Span span, int messages, boolean batch) {
    this.span = span;
    this.context = context;
    this.messages = messages;
    this.batch = batch;
    this.unsettled = new AtomicInteger(messages);
  }

  @Override
  @SuppressWarnings("MustBeClosedChecker") // closed by the consumer right after the handler
  public MessageObserver.Scope open() {
    io.opentelemetry.context.Scope scope = context.makeCurrent();
    return scope::close;
  }

  @Override
  public void visibilityExtended(ReceivedMessage message, int seconds) {
    AttributesBuilder attributes = Attributes.builder();
    if (batch) {
      attributes.put(SqsxTracing.MESSAGE_ID, message.messageId());
    }
    span.addEvent(
        "sqsx.visibility_extended",
        attributes.put(SqsxTracing.VISIBILITY_SECONDS, (long) seconds).build());
  }

  @Override
  public void settled(
      ReceivedMessage message, MessageObserver.Outcome outcome, Throwable error, String detail) {
    String name = outcome.name().toLowerCase(Locale.ROOT);
    if (error != null) {
      failed.incrementAndGet();
      span.recordException(
          error,
          batch ? Attributes.of(SqsxTracing.MESSAGE_ID, message.messageId()) : Attributes.empty());
    }
    AttributesBuilder event = Attributes.builder().put(SqsxTracing.OUTCOME, name);
    if (batch) {
      event.put(SqsxTracing.MESSAGE_ID, message.messageId());
    }
    if (detail != null) {
      event.put(SqsxTracing.DETAIL, detail);
    }
    span.addEvent("sqsx.settled", event.build());
    if (!batch) {
      span.setAttribute(SqsxTracing.OUTCOME, name);
      if (detail != null) {
        span.setAttribute(SqsxTracing.DETAIL, detail);
      }
      if (error != null) {
        span.setAttribute(SqsxTracing.ERROR_TYPE, error.getClass().getName());
        span.setStatus(StatusCode.ERROR, outcome + ": " + error);
      } else if (outcome == MessageObserver.Outcome.NOT_DELETED) {
        span.setStatus(StatusCode.ERROR, outcome + (detail == null ? "" : ": " + detail));
      }
    }
    if (unsettled.decrementAndGet() == 0) {
      if (batch && failed.get() > 0) {
        span.setAttribute(SqsxTracing.ERROR_TYPE, "sqsx.BatchFailure");
        span.setStatus(StatusCode.ERROR, failed.get() + " of " + messages + " messages failed");
      }
      span.end();
    }
  }
}
