/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.lambda.internal;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Turns the records of a Lambda SQS event into the SDK's {@link Message}s, as a receive returns.
 */
public final class Records {

  private Records() {}

  /** The record as an SDK message: body, ids, receipt handle, system and message attributes. */
  public static Message toMessage(SQSEvent.SQSMessage record) {
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    if (record.getMessageAttributes() != null) {
      record
          .getMessageAttributes()
          .forEach((name, value) -> attributes.put(name, attribute(value)));
    }
    return Message.builder()
        .messageId(record.getMessageId())
        .receiptHandle(record.getReceiptHandle())
        .body(record.getBody())
        .md5OfBody(record.getMd5OfBody())
        .md5OfMessageAttributes(record.getMd5OfMessageAttributes())
        .attributesWithStrings(record.getAttributes() == null ? Map.of() : record.getAttributes())
        .messageAttributes(attributes)
        .build();
  }

  private static MessageAttributeValue attribute(SQSEvent.MessageAttribute value) {
    MessageAttributeValue.Builder attribute =
        MessageAttributeValue.builder().dataType(value.getDataType());
    if (value.getStringValue() != null) {
      attribute.stringValue(value.getStringValue());
    }
    if (value.getBinaryValue() != null) {
      attribute.binaryValue(bytes(value.getBinaryValue()));
    }
    if (value.getStringListValues() != null && !value.getStringListValues().isEmpty()) {
      attribute.stringListValues(value.getStringListValues());
    }
    if (value.getBinaryListValues() != null && !value.getBinaryListValues().isEmpty()) {
      List<SdkBytes> list = new ArrayList<>();
      value.getBinaryListValues().forEach(buffer -> list.add(bytes(buffer)));
      attribute.binaryListValues(list);
    }
    return attribute.build();
  }

  private static SdkBytes bytes(ByteBuffer buffer) {
    return SdkBytes.fromByteBuffer(buffer.duplicate());
  }

  /** The queue's name: the last part of its ARN ({@code arn:aws:sqs:<region>:<account>:<name>}). */
  public static String queueName(String arn) {
    return part(arn, 5);
  }

  /** The queue owner's account id, from the ARN. */
  public static String account(String arn) {
    return part(arn, 4);
  }

  /** The queue's region, from the ARN. */
  public static String region(String arn) {
    return part(arn, 3);
  }

  private static String part(String arn, int index) {
    String[] parts = arn == null ? new String[0] : arn.split(":", 6);
    if (parts.length != 6 || !"sqs".equals(parts[2])) {
      throw new IllegalArgumentException("not an SQS queue ARN: '" + arn + "'");
    }
    return parts[index];
  }

  /** The queue URL AWS gives the queue of an ARN (used when the function cannot ask SQS). */
  public static String queueUrl(String arn) {
    return "https://sqs." + region(arn) + ".amazonaws.com/" + account(arn) + "/" + queueName(arn);
  }
}
