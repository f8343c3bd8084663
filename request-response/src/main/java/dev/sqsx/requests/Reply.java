/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * A reply as {@link SqsRequester} delivers it: the body, the attributes the responder set, and the
 * ids that tie it to its request.
 *
 * <p>Immutable and thread-safe. The attributes leave out {@link
 * SqsRequester#CORRELATION_ID_ATTRIBUTE}, which {@link #correlationId()} gives.
 */
public final class Reply {

  private final String body;
  private final Map<String, MessageAttributeValue> attributes;
  private final String messageId;
  private final String correlationId;

  /** A reply received as SQS message {@code messageId} for the request {@code correlationId}. */
  public Reply(
      String body,
      Map<String, MessageAttributeValue> attributes,
      String messageId,
      String correlationId) {
    this.body = Objects.requireNonNull(body, "body cannot be null");
    this.attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes cannot be null"));
    this.messageId = Objects.requireNonNull(messageId, "messageId cannot be null");
    this.correlationId = Objects.requireNonNull(correlationId, "correlationId cannot be null");
  }

  /** The reply's body (an offloaded reply received through the extended client: its payload). */
  public String body() {
    return body;
  }

  /** The message attributes the responder set, without the correlation id. */
  public Map<String, MessageAttributeValue> attributes() {
    return attributes;
  }

  /** The SQS message id of the reply. */
  public String messageId() {
    return messageId;
  }

  /** The correlation id of the request this reply answers. */
  public String correlationId() {
    return correlationId;
  }

  @Override
  public String toString() {
    return "Reply{messageId=" + messageId + ", correlationId=" + correlationId + '}';
  }
}
