/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.tracing;

import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** SQS message attributes as a propagation carrier: String (and {@code String.x}) values only. */
final class MessageAttributes {

  static final TextMapGetter<Map<String, MessageAttributeValue>> GETTER =
      new TextMapGetter<>() {
        @Override
        public String get(Map<String, MessageAttributeValue> carrier, String key) {
          if (carrier == null) {
            return null;
          }
          MessageAttributeValue value = carrier.get(key);
          if (value == null || value.dataType() == null || !value.dataType().startsWith("String")) {
            return null;
          }
          return value.stringValue();
        }
      };

  private MessageAttributes() {}

  static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }
}
