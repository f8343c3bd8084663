/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.ReceivedMessage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The message sqsx sends to a dead-letter queue: the original body (for an offloaded message, its
 * pointer: the payload is not copied) and attributes, plus the reason it failed.
 *
 * <p>Error attributes: {@code sqsx.ErrorClass}, {@code sqsx.ErrorMessage} (at most 1,024
 * characters), {@code sqsx.Attempts}, {@code sqsx.SourceQueue}, {@code sqsx.FirstFailureTime}
 * (ISO-8601, SQS's first-receive time, the start of the first failed attempt) and {@code
 * sqsx.SourceMessageId}. When the message's own attributes leave no room for them (SQS allows 10),
 * they are folded into one JSON attribute {@code sqsx.Failure}; with no room at all they are left
 * out and only logged. An {@code AWSTraceHeader} system attribute (X-Ray) goes on with the message.
 */
public final class DeadLetterMessage {

  /** The longest error message kept. */
  public static final int MAX_ERROR_MESSAGE = 1024;

  private static final int MAX_ATTRIBUTES = 10;

  private DeadLetterMessage() {}

  /**
   * The DLQ request for a message that failed with {@code error}: for one the extended client
   * resolved, its pointer body and marker again (the payload is not copied); the group kept on a
   * FIFO queue.
   */
  public static SendMessageRequest forFailed(
      ReceivedMessage received, Throwable error, String dlqUrl, boolean fifo) {
    Message message = received.sdkMessage();
    String body = message.body();
    Map<String, MessageAttributeValue> attributes = message.messageAttributes();
    if (OffloadedMessages.mayBeOffloaded(message.receiptHandle())) {
      Optional<OffloadedMessages.Wire> wire =
          OffloadedMessages.wire(message.receiptHandle(), body, attributes);
      if (wire.isPresent()) {
        body = wire.get().body();
        attributes = wire.get().attributes();
      }
    }
    Failure failure =
        new Failure(
            error.getClass().getName(),
            error.getMessage(),
            received.attempt(),
            received.queueUrl(),
            received.firstReceivedAt().orElse(null),
            message.messageId());
    String groupId = fifo ? received.messageGroupId().orElse("sqsx-dlq") : null;
    SendMessageRequest request = build(dlqUrl, body, attributes, failure, groupId);
    String xray =
        message.attributesAsStrings().get(MessageSystemAttributeName.AWS_TRACE_HEADER.toString());
    if (xray == null || xray.isEmpty()) {
      return request;
    }
    // the X-Ray trace (the AWS SDK instrumentation's default propagation) goes on to the DLQ, so
    // that whoever reads the DLQ continues it instead of starting a new one
    return request.toBuilder()
        .messageSystemAttributes(
            Map.of(
                MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
                MessageSystemAttributeValue.builder().dataType("String").stringValue(xray).build()))
        .build();
  }

  /** The send request for the DLQ. */
  public static SendMessageRequest build(
      String dlqUrl,
      String body,
      Map<String, MessageAttributeValue> attributes,
      Failure failure,
      String messageGroupId) {
    Map<String, MessageAttributeValue> all = new LinkedHashMap<>(attributes);
    Map<String, String> error = failure.attributes();
    if (all.size() + error.size() <= MAX_ATTRIBUTES) {
      error.forEach((name, value) -> all.put(name, string(value)));
    } else if (all.size() < MAX_ATTRIBUTES) {
      all.put("sqsx.Failure", string(json(error)));
    }
    SendMessageRequest.Builder request =
        SendMessageRequest.builder().queueUrl(dlqUrl).messageBody(body).messageAttributes(all);
    if (messageGroupId != null) {
      request.messageGroupId(messageGroupId).messageDeduplicationId(failure.messageId());
    }
    return request.build();
  }

  /** Why a message is dead-lettered. */
  public record Failure(
      String errorClass,
      String errorMessage,
      int attempts,
      String sourceQueue,
      Instant firstFailure,
      String messageId) {

    Map<String, String> attributes() {
      Map<String, String> attributes = new LinkedHashMap<>();
      attributes.put("sqsx.ErrorClass", errorClass);
      attributes.put("sqsx.ErrorMessage", truncate(errorMessage));
      attributes.put("sqsx.Attempts", Integer.toString(attempts));
      attributes.put("sqsx.SourceQueue", sourceQueue);
      if (firstFailure != null) {
        attributes.put("sqsx.FirstFailureTime", firstFailure.toString());
      }
      attributes.put("sqsx.SourceMessageId", messageId);
      return attributes;
    }
  }

  /**
   * The text as SQS accepts it in an attribute, at most {@value #MAX_ERROR_MESSAGE} characters:
   * characters SQS refuses (control characters other than tab, line feed and carriage return, lone
   * surrogates, U+FFFE and U+FFFF) become '?', and a cut never splits a surrogate pair.
   */
  static String truncate(String message) {
    String text = message == null || message.isEmpty() ? "(no message)" : message;
    StringBuilder clean = new StringBuilder(Math.min(text.length(), MAX_ERROR_MESSAGE + 2));
    for (int i = 0; i < text.length() && clean.length() <= MAX_ERROR_MESSAGE; ) {
      int codePoint = text.codePointAt(i);
      i += Character.charCount(codePoint);
      if (allowedBySqs(codePoint)) {
        clean.appendCodePoint(codePoint);
      } else {
        clean.append('?');
      }
    }
    if (clean.length() <= MAX_ERROR_MESSAGE) {
      return clean.toString();
    }
    int cut = MAX_ERROR_MESSAGE - 3;
    if (Character.isHighSurrogate(clean.charAt(cut - 1))) {
      cut--;
    }
    return clean.substring(0, cut) + "...";
  }

  /** The characters SQS allows in message attributes (and bodies). */
  private static boolean allowedBySqs(int codePoint) {
    return codePoint == 0x9
        || codePoint == 0xA
        || codePoint == 0xD
        || (codePoint >= 0x20 && codePoint <= 0xD7FF)
        || (codePoint >= 0xE000 && codePoint <= 0xFFFD)
        || (codePoint >= 0x10000 && codePoint <= 0x10FFFF);
  }

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  private static String json(Map<String, String> fields) {
    StringBuilder json = new StringBuilder("{");
    fields.forEach(
        (name, value) -> {
          if (json.length() > 1) {
            json.append(',');
          }
          quote(json, name.substring("sqsx.".length())).append(':');
          quote(json, value);
        });
    return json.append('}').toString();
  }

  private static StringBuilder quote(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c < 0x20) {
        json.append(String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    return json.append('"');
  }
}
