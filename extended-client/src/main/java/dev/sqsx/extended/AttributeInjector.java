/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.Injection;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Adds message attributes to each message sent — trace context, typically ({@code sqsx-tracing}'s
 * {@code SqsxTracing} is one). Given to an extended client ({@link
 * ExtendedClientBuilder#attributeInjector}) or, for a plain {@code SqsClient} / {@code
 * SqsAsyncClient}, registered as an SDK interceptor ({@link #interceptor(AttributeInjector)}).
 *
 * <p>The rules, the same on both paths: called once per message — each {@code SendMessageBatch}
 * entry on its own — on the thread that calls {@code sendMessage} / {@code sendMessageBatch}, so
 * that thread's context is what gets injected. An attribute whose name the message already has is
 * never replaced. SQS allows 10 attributes per message: the additions are made in the order {@link
 * #attributesFor} returns them, up to the first that no longer fits beside the message's own —
 * counting the extended client's size marker when the message is offloaded — and {@link
 * #skipped(String, Map, List)} is told the names of those left out; so return the most needed first
 * (trace context before baggage). The plain-client interceptor also skips the additions when they
 * would push a message that fits SQS's default limit of 262,144 bytes past it. The extended client
 * injects before it decides to offload, so the additions count towards the offloading threshold.
 *
 * <p>Implementations must be thread-safe; what they throw is logged and the message is sent without
 * additions.
 */
public interface AttributeInjector {

  /**
   * The attributes to add to a message about to be sent to {@code queueUrl}.
   *
   * @param present the message's attributes (read only)
   * @return the attributes to add (names already present are ignored); empty for none, never null
   */
  Map<String, MessageAttributeValue> attributesFor(
      String queueUrl, Map<String, MessageAttributeValue> present);

  /**
   * The additions for one message to {@code queueUrl} were not made: there was no room for them
   * (see the class description). Default: nothing.
   */
  default void skipped(String queueUrl, Map<String, MessageAttributeValue> present) {}

  /**
   * Some of the additions for one message to {@code queueUrl} — {@code names}, in the order {@link
   * #attributesFor} gave them — were not made: there was no room for them. Default: {@link
   * #skipped(String, Map)}.
   */
  default void skipped(
      String queueUrl, Map<String, MessageAttributeValue> present, List<String> names) {
    skipped(queueUrl, present);
  }

  /**
   * An SDK interceptor that applies {@code injector} to {@code SendMessage} and each {@code
   * SendMessageBatch} entry of a plain SQS client: {@code
   * SqsClient.builder().overrideConfiguration(c -> c.addExecutionInterceptor(interceptor))}.
   */
  static ExecutionInterceptor interceptor(AttributeInjector injector) {
    return Injection.interceptor(injector);
  }
}
