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
 * The message sqsx sends to a dead-letter queue: the original body and attributes, plus the reason
 * it failed. For an offloaded message, the pointer again (the payload is not copied) — or, for
 * {@code SqsConsumer}'s own dead-letter step, the resolved body, so the DLQ copy gets a payload of
 * its own (see {@link #forFailed(ReceivedMessage, Throwable, String, boolean, boolean)}). A message
 * that came through an SNS envelope goes as the envelope (the notification as SNS delivered it, a
 * pointer inside), so its payload stays shared with the topic's other subscriptions whoever reads
 * the copy.
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
   * resolved, its pointer body and marker again (the payload is not copied), for one it unwrapped
   * from SNS, the envelope; the group kept on a FIFO queue.
   */
  public static SendMessageRequest forFailed(
      ReceivedMessage received, Throwable error, String dlqUrl, boolean fifo) {
    return forFailed(received, error, dlqUrl, fifo, false);
  }

  /**
   * As {@link #forFailed(ReceivedMessage, Throwable, String, boolean)}; with {@code ownPayload},
   * for a runner that sends through the extended client the message came from: an offloaded message
   * whose payload is its own (not shared through SNS) goes with its resolved body, so that the
   * extended client stores a payload of its own for the DLQ copy. The DLQ copy then never depends
   * on the source message's payload, which goes with the source (see {@link #ownsPayload}): a
   * source delete that does not land, followed by a later success, cannot leave the copy pointing
   * at nothing. Its attributes leave room for the marker.
   */
  public static SendMessageRequest forFailed(
      ReceivedMessage received, Throwable error, String dlqUrl, boolean fifo, boolean ownPayload) {
    Message message = received.sdkMessage();
    String body = message.body();
    Map<String, MessageAttributeValue> attributes = message.messageAttributes();
    int maxAttributes = MAX_ATTRIBUTES;
    if (ownPayload && ownsPayload(message)) {
      maxAttributes = MAX_ATTRIBUTES - 1;
    } else if (OffloadedMessages.mayBeChanged(message)) {
      Optional<OffloadedMessages.Wire> wire = OffloadedMessages.wire(message);
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
    SendMessageRequest request = build(dlqUrl, body, attributes, failure, groupId, maxAttributes);
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

  /**
   * Whether the message is one the extended client resolved whose payload is its own: deleting the
   * message through that client deletes the payload too (not one shared through SNS).
   */
  public static boolean ownsPayload(Message message) {
    return OffloadedMessages.mayBeOffloaded(message.receiptHandle())
        && OffloadedMessages.ownsPayload(message.receiptHandle());
  }

  /** The send request for the DLQ. */
  public static SendMessageRequest build(
      String dlqUrl,
      String body,
      Map<String, MessageAttributeValue> attributes,
      Failure failure,
      String messageGroupId) {
    return build(dlqUrl, body, attributes, failure, messageGroupId, MAX_ATTRIBUTES);
  }

  private static SendMessageRequest build(
      String dlqUrl,
      String body,
      Map<String, MessageAttributeValue> attributes,
      Failure failure,
      String messageGroupId,
      int maxAttributes) {
    Map<String, MessageAttributeValue> all = new LinkedHashMap<>(attributes);
    Map<String, String> error = failure.attributes();
    if (all.size() + error.size() <= maxAttributes) {
      error.forEach((name, value) -> all.put(name, string(value)));
    } else if (all.size() < maxAttributes) {
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
