/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import dev.sqsx.extended.AttributeInjector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Applies an {@link AttributeInjector} to outgoing messages under SQS's rules (see its class
 * description): names present are kept, 10 attributes at most, and a caller's extra condition — the
 * extended client's marker, the plain interceptor's size limit.
 */
public final class Injection {

  private static final Logger LOG = LoggerFactory.getLogger(Injection.class);

  /** The message size a queue accepts by default; the plain interceptor never crosses it. */
  static final long DEFAULT_MAXIMUM_MESSAGE_SIZE = 262_144;

  private final AttributeInjector injector;

  public Injection(AttributeInjector injector) {
    this.injector = Objects.requireNonNull(injector, "injector");
  }

  /**
   * {@code present} with the injector's additions that fit, in its order, or {@code present} itself
   * (the same instance) when none does.
   *
   * @param fits whether the message is still sendable with these attributes: the caller's own
   *     limits, checked after the 10-attribute rule
   */
  public Map<String, MessageAttributeValue> apply(
      String queueUrl,
      Map<String, MessageAttributeValue> present,
      Predicate<Map<String, MessageAttributeValue>> fits) {
    Map<String, MessageAttributeValue> additions;
    try {
      additions = injector.attributesFor(queueUrl, present);
    } catch (RuntimeException e) {
      LOG.warn("attribute injector failed for a message to {}: {}", queueUrl, e.toString());
      return present;
    }
    if (additions == null || additions.isEmpty()) {
      return present;
    }
    // in the injector's order (its most needed first): the additions are made up to the first one
    // that does not fit; that one and those after it are dropped and counted (a later field may
    // need an earlier one: no tracestate without its traceparent)
    Map<String, MessageAttributeValue> merged = new LinkedHashMap<>(present);
    List<String> dropped = new ArrayList<>();
    int added = 0;
    for (Map.Entry<String, MessageAttributeValue> addition : additions.entrySet()) {
      if (merged.containsKey(addition.getKey())) {
        continue;
      }
      merged.put(addition.getKey(), addition.getValue());
      if (!dropped.isEmpty() || merged.size() > Markers.MAX_ATTRIBUTES || !fits.test(merged)) {
        merged.remove(addition.getKey());
        dropped.add(addition.getKey());
      } else {
        added++;
      }
    }
    if (!dropped.isEmpty()) {
      skipped(queueUrl, present, dropped);
    }
    return added == 0 ? present : merged;
  }

  /** Tells the injector that these additions for one message were not made (no room). */
  public void skipped(
      String queueUrl, Map<String, MessageAttributeValue> present, List<String> names) {
    try {
      injector.skipped(queueUrl, present, names);
    } catch (RuntimeException e) {
      LOG.warn("attribute injector failed for a message to {}: {}", queueUrl, e.toString());
    }
  }

  /** The SDK interceptor for plain clients (see {@link AttributeInjector#interceptor}). */
  public static ExecutionInterceptor interceptor(AttributeInjector injector) {
    Injection injection = new Injection(injector);
    return new ExecutionInterceptor() {
      @Override
      public SdkRequest modifyRequest(
          Context.ModifyRequest context, ExecutionAttributes executionAttributes) {
        SdkRequest request = context.request();
        if (request instanceof SendMessageRequest send) {
          return injection.plain(send);
        }
        if (request instanceof SendMessageBatchRequest batch) {
          return injection.plain(batch);
        }
        return request;
      }
    };
  }

  private SendMessageRequest plain(SendMessageRequest request) {
    Map<String, MessageAttributeValue> attributes =
        apply(
            request.queueUrl(),
            request.messageAttributes(),
            merged ->
                withinDefaultLimit(request.messageBody(), request.messageAttributes(), merged));
    return attributes == request.messageAttributes()
        ? request
        : request.toBuilder().messageAttributes(attributes).build();
  }

  private SendMessageBatchRequest plain(SendMessageBatchRequest request) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(request.entries().size());
    boolean changed = false;
    for (SendMessageBatchRequestEntry entry : request.entries()) {
      Map<String, MessageAttributeValue> attributes =
          apply(
              request.queueUrl(),
              entry.messageAttributes(),
              merged -> withinDefaultLimit(entry.messageBody(), entry.messageAttributes(), merged));
      if (attributes == entry.messageAttributes()) {
        entries.add(entry);
      } else {
        entries.add(entry.toBuilder().messageAttributes(attributes).build());
        changed = true;
      }
    }
    return changed ? request.toBuilder().entries(entries).build() : request;
  }

  /** Never turns a message within the default 256 KiB limit into one beyond it. */
  private static boolean withinDefaultLimit(
      String body,
      Map<String, MessageAttributeValue> own,
      Map<String, MessageAttributeValue> merged) {
    return Markers.messageSize(body, merged) <= DEFAULT_MAXIMUM_MESSAGE_SIZE
        || Markers.messageSize(body, own) > DEFAULT_MAXIMUM_MESSAGE_SIZE;
  }
}
