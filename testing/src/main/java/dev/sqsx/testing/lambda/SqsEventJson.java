/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.lambda;

import dev.sqsx.testing.internal.Json;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The JSON document the Lambda service sends a function for an SQS event source mapping: {@code
 * {"Records":[...]}}, each record with {@code messageId}, {@code receiptHandle}, {@code body},
 * {@code attributes} (the system attributes, as strings), {@code messageAttributes} (each with
 * {@code stringValue} or base64 {@code binaryValue}, {@code stringListValues}, {@code
 * binaryListValues} and {@code dataType}), {@code md5OfBody}, {@code md5OfMessageAttributes} (when
 * there are attributes), {@code eventSource} {@code aws:sqs}, {@code eventSourceARN} and {@code
 * awsRegion} — the shape of AWS's documented sample event.
 */
final class SqsEventJson {

  private SqsEventJson() {}

  static String of(List<Message> messages, String queueArn, String region) {
    StringBuilder json = new StringBuilder("{\"Records\":[");
    for (int i = 0; i < messages.size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      record(json, messages.get(i), queueArn, region);
    }
    return json.append("]}").toString();
  }

  private static void record(StringBuilder json, Message message, String queueArn, String region) {
    json.append('{');
    field(json, "messageId", message.messageId()).append(',');
    field(json, "receiptHandle", message.receiptHandle()).append(',');
    field(json, "body", message.body()).append(',');
    quote(json, "attributes").append(":{");
    boolean first = true;
    for (Map.Entry<String, String> attribute : message.attributesAsStrings().entrySet()) {
      if (!first) {
        json.append(',');
      }
      first = false;
      field(json, attribute.getKey(), attribute.getValue());
    }
    json.append("},");
    quote(json, "messageAttributes").append(":{");
    first = true;
    for (Map.Entry<String, MessageAttributeValue> attribute :
        message.messageAttributes().entrySet()) {
      if (!first) {
        json.append(',');
      }
      first = false;
      quote(json, attribute.getKey()).append(':');
      attribute(json, attribute.getValue());
    }
    json.append("},");
    field(json, "md5OfBody", message.md5OfBody()).append(',');
    if (message.md5OfMessageAttributes() != null) {
      field(json, "md5OfMessageAttributes", message.md5OfMessageAttributes()).append(',');
    }
    field(json, "eventSource", "aws:sqs").append(',');
    field(json, "eventSourceARN", queueArn).append(',');
    field(json, "awsRegion", region);
    json.append('}');
  }

  private static void attribute(StringBuilder json, MessageAttributeValue value) {
    json.append('{');
    if (value.stringValue() != null) {
      field(json, "stringValue", value.stringValue()).append(',');
    }
    if (value.binaryValue() != null) {
      field(
              json,
              "binaryValue",
              Base64.getEncoder().encodeToString(value.binaryValue().asByteArrayUnsafe()))
          .append(',');
    }
    quote(json, "stringListValues").append(":[],");
    quote(json, "binaryListValues").append(":[],");
    field(json, "dataType", value.dataType());
    json.append('}');
  }

  private static StringBuilder field(StringBuilder json, String name, String value) {
    return Json.field(json, name, value);
  }

  private static StringBuilder quote(StringBuilder json, String value) {
    return Json.quote(json, value);
  }
}
