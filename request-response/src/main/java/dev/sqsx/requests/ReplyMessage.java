/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * What a {@link ReplyHandler} answers with: the reply's body and message attributes.
 *
 * <p>Immutable. {@link SqsResponder} adds the correlation id; the attributes must not use its name.
 */
public final class ReplyMessage {

  private final String body;
  private final Map<String, MessageAttributeValue> attributes;

  private ReplyMessage(String body, Map<String, MessageAttributeValue> attributes) {
    this.body = Objects.requireNonNull(body, "body cannot be null");
    this.attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes cannot be null"));
  }

  /** A reply with this body and no attributes. */
  public static ReplyMessage of(String body) {
    return new ReplyMessage(body, Map.of());
  }

  /** A reply with this body and these message attributes. */
  public static ReplyMessage of(String body, Map<String, MessageAttributeValue> attributes) {
    return new ReplyMessage(body, attributes);
  }

  /** The reply's body. */
  public String body() {
    return body;
  }

  /** The reply's message attributes. */
  public Map<String, MessageAttributeValue> attributes() {
    return attributes;
  }
}
