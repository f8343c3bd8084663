/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * An SNS notification as SNS delivers it to a subscribed SQS queue when raw message delivery is
 * off: the SQS message's body is a JSON envelope ({@code Type} = {@code Notification}, {@code
 * MessageId}, {@code TopicArn}, {@code Subject}, {@code Message}, {@code Timestamp}, {@code
 * MessageAttributes} as {@code {"Type": …, "Value": …}}, and the signature fields). {@link #parse}
 * reads one; {@link #unwrap} turns the SQS message into the message as its publisher sent it — body
 * and message attributes — so that a pointer inside (AWS's SNS extended client, sqsx's {@code
 * sqsx-sns}) is resolved like any other. The topic ARN, the SNS message id, the subject and the
 * timestamp stay available on the unwrapped message as the system-attribute strings {@link
 * #TOPIC_ARN}, {@link #MESSAGE_ID}, {@link #SUBJECT} and {@link #TIMESTAMP} ({@code
 * message.attributesAsStrings()}), so that {@link #of} can give the notification back (a
 * dead-letter step sends it on as SNS delivered it); they are never sent as message attributes.
 *
 * <p>The signature is not verified: the message came from SQS, whose access policy decides who may
 * send to the queue. Thread-safe; stateless.
 *
 * @param messageId the SNS message id
 * @param topicArn the topic the notification was published to
 * @param subject the subject, or null
 * @param timestamp when SNS accepted the publish (ISO-8601), or null
 * @param message the published message (a pointer, for an offloaded payload)
 * @param messageAttributes the published message attributes, as SQS message attributes
 */
public record SnsNotification(
    String messageId,
    String topicArn,
    String subject,
    String timestamp,
    String message,
    Map<String, MessageAttributeValue> messageAttributes) {

  /** System-attribute string of an unwrapped message: the topic ARN. */
  public static final String TOPIC_ARN = "sqsx.SnsTopicArn";

  /** System-attribute string of an unwrapped message: the SNS message id. */
  public static final String MESSAGE_ID = "sqsx.SnsMessageId";

  /** System-attribute string of an unwrapped message: the notification's subject, if it had one. */
  public static final String SUBJECT = "sqsx.SnsSubject";

  /** System-attribute string of an unwrapped message: when SNS accepted the publish, if known. */
  public static final String TIMESTAMP = "sqsx.SnsTimestamp";

  /**
   * System-attribute string of an unwrapped message: the names of the {@code sqsx.*} message
   * attributes the SQS message itself carried (the reason of a dead-lettered envelope), which
   * {@link #of} leaves out of the notification. Attribute names never contain a comma.
   */
  static final String QUEUE_ATTRIBUTES = "sqsx.SnsQueueAttributes";

  private static final JSON JSON_CODEC = JSON.std;

  /** Copies the attributes; requires the id, the topic and the message. */
  public SnsNotification {
    Objects.requireNonNull(messageId, "messageId cannot be null");
    Objects.requireNonNull(topicArn, "topicArn cannot be null");
    Objects.requireNonNull(message, "message cannot be null");
    messageAttributes = Map.copyOf(messageAttributes == null ? Map.of() : messageAttributes);
  }

  /**
   * Reads an SQS message body as an SNS envelope. Empty when the body is not one — not a JSON
   * object with string {@code Type} and {@code TopicArn} fields (any other body, JSON or not, is an
   * ordinary message).
   *
   * @throws SnsEnvelopeException when the body is an SNS envelope that cannot be unwrapped: its
   *     {@code Type} is not {@code Notification}, {@code MessageId} or {@code Message} is missing,
   *     or a message attribute has an unknown type or an unreadable value
   */
  public static Optional<SnsNotification> parse(String body) {
    return parse(body, null, null);
  }

  /**
   * The message as its publisher sent it, when {@code envelope}'s body is an SNS notification: the
   * published body and message attributes (an offloaded payload's pointer and marker among them),
   * the topic ARN and SNS message id as system-attribute strings ({@link #TOPIC_ARN}, {@link
   * #MESSAGE_ID}); SQS's message id, receipt handle and system attributes are kept, and so are
   * sqsx's own {@code sqsx.*} message attributes of the SQS message (the reason a dead-lettered
   * envelope carries). Empty when the body is not an SNS envelope.
   *
   * @param queueUrl named in a failure (may be null)
   * @throws SnsEnvelopeException as {@link #parse}, naming the queue and SQS message id
   */
  public static Optional<Message> unwrap(Message envelope, String queueUrl) {
    return parse(envelope.body(), queueUrl, envelope.messageId())
        .map(notification -> notification.toMessage(envelope));
  }

  /** The topic ARN of a message {@link #unwrap} returned, if it was one. */
  public static Optional<String> topicArnOf(Message message) {
    return Optional.ofNullable(message.attributesAsStrings().get(TOPIC_ARN));
  }

  /** The SNS message id of a message {@link #unwrap} returned, if it was one. */
  public static Optional<String> messageIdOf(Message message) {
    return Optional.ofNullable(message.attributesAsStrings().get(MESSAGE_ID));
  }

  /**
   * The notification a message {@link #unwrap} returned came in, with {@code message} and {@code
   * messageAttributes} as given (for an offloaded payload: its pointer and marker) — less the
   * {@code sqsx.*} attributes {@link #unwrap} added from the SQS message itself, which were not
   * published; empty for a message that did not come through an SNS envelope.
   */
  public static Optional<SnsNotification> of(
      Message unwrapped, String message, Map<String, MessageAttributeValue> messageAttributes) {
    Map<String, String> system = unwrapped.attributesAsStrings();
    String topicArn = system.get(TOPIC_ARN);
    String messageId = system.get(MESSAGE_ID);
    if (topicArn == null || messageId == null) {
      return Optional.empty();
    }
    Map<String, MessageAttributeValue> published = messageAttributes;
    String fromQueue = system.get(QUEUE_ATTRIBUTES);
    if (fromQueue != null && messageAttributes != null) {
      // the SQS message's own attributes (a DLQ copy's reason) were never published: an envelope
      // dead-lettered again carries what SNS delivered, and the new reason goes beside it
      published = new LinkedHashMap<>(messageAttributes);
      for (String name : fromQueue.split(",", -1)) {
        published.remove(name);
      }
    }
    return Optional.of(
        new SnsNotification(
            messageId, topicArn, system.get(SUBJECT), system.get(TIMESTAMP), message, published));
  }

  /**
   * The envelope as SNS delivers it to a queue without raw message delivery ({@code Type} {@code
   * Notification}, the ids, subject, message, timestamp and message attributes as {@code {"Type":
   * …, "Value": …}}, binary values in base64), without the signature fields, which only SNS can
   * write. {@link #parse} reads it back as this notification.
   */
  public String toJson() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("Type", "Notification");
    fields.put("MessageId", messageId);
    fields.put("TopicArn", topicArn);
    if (subject != null) {
      fields.put("Subject", subject);
    }
    fields.put("Message", message);
    if (timestamp != null) {
      fields.put("Timestamp", timestamp);
    }
    if (!messageAttributes.isEmpty()) {
      Map<String, Object> attributes = new LinkedHashMap<>();
      messageAttributes.forEach(
          (name, value) -> {
            Map<String, Object> attribute = new LinkedHashMap<>();
            attribute.put("Type", value.dataType());
            attribute.put(
                "Value",
                value.binaryValue() != null
                    ? Base64.getEncoder().encodeToString(value.binaryValue().asByteArrayUnsafe())
                    : value.stringValue());
            attributes.put(name, attribute);
          });
      fields.put("MessageAttributes", attributes);
    }
    try {
      return JSON_CODEC.asString(fields);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write SNS envelope " + clip(messageId), e);
    }
  }

  private Message toMessage(Message envelope) {
    Map<String, String> system = new LinkedHashMap<>(envelope.attributesAsStrings());
    system.put(TOPIC_ARN, topicArn);
    system.put(MESSAGE_ID, messageId);
    if (subject != null) {
      system.put(SUBJECT, subject);
    }
    if (timestamp != null) {
      system.put(TIMESTAMP, timestamp);
    }
    // sqsx's reason attributes on the SQS message of a dead-lettered envelope stay visible; their
    // names are noted, so that of() leaves them out of the notification (they were not published)
    Map<String, MessageAttributeValue> attributes = messageAttributes;
    if (!envelope.messageAttributes().isEmpty()) {
      attributes = new LinkedHashMap<>(messageAttributes);
      List<String> added = new ArrayList<>();
      for (Map.Entry<String, MessageAttributeValue> own : envelope.messageAttributes().entrySet()) {
        if (own.getKey().startsWith("sqsx.")
            && attributes.putIfAbsent(own.getKey(), own.getValue()) == null) {
          added.add(own.getKey());
        }
      }
      if (!added.isEmpty()) {
        system.put(QUEUE_ATTRIBUTES, String.join(",", added));
      }
    }
    return envelope.toBuilder()
        .body(message)
        .md5OfBody(null)
        .messageAttributes(attributes)
        .md5OfMessageAttributes(null)
        .attributesWithStrings(system)
        .build();
  }

  private static Optional<SnsNotification> parse(String body, String queueUrl, String sqsId) {
    if (body == null || !startsAnObject(body) || !body.contains("\"TopicArn\"")) {
      return Optional.empty(); // not an envelope: no copy and no JSON parse for ordinary bodies
    }
    Map<String, Object> fields;
    try {
      fields = JSON_CODEC.mapFrom(body);
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // not JSON: an ordinary body that starts with '{'
    }
    if (fields == null
        || !(fields.get("Type") instanceof String type)
        || !(fields.get("TopicArn") instanceof String topicArn)) {
      return Optional.empty();
    }
    if (!"Notification".equals(type)) {
      throw new SnsEnvelopeException(
          "an SNS envelope of Type '"
              + clip(type)
              + "' from "
              + clip(topicArn)
              + " is not a Notification: there is no message to hand out",
          queueUrl,
          sqsId);
    }
    if (!(fields.get("MessageId") instanceof String messageId)) {
      throw new SnsEnvelopeException(
          "SNS envelope from " + clip(topicArn) + " has no MessageId", queueUrl, sqsId);
    }
    if (!(fields.get("Message") instanceof String message)) {
      throw new SnsEnvelopeException(
          "SNS envelope " + clip(messageId) + " has no string Message", queueUrl, sqsId);
    }
    return Optional.of(
        new SnsNotification(
            messageId,
            topicArn,
            fields.get("Subject") instanceof String subject ? subject : null,
            fields.get("Timestamp") instanceof String timestamp ? timestamp : null,
            message,
            attributes(fields.get("MessageAttributes"), messageId, queueUrl, sqsId)));
  }

  private static boolean startsAnObject(String body) {
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{';
      }
    }
    return false;
  }

  private static Map<String, MessageAttributeValue> attributes(
      Object node, String snsId, String queueUrl, String sqsId) {
    if (node == null) {
      return Map.of();
    }
    if (!(node instanceof Map<?, ?> entries)) {
      throw new SnsEnvelopeException(
          "SNS envelope " + clip(snsId) + ": MessageAttributes is not an object", queueUrl, sqsId);
    }
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : entries.entrySet()) {
      String name = String.valueOf(entry.getKey());
      if (!(entry.getValue() instanceof Map<?, ?> attribute)
          || !(attribute.get("Type") instanceof String type)) {
        throw badAttribute(snsId, name, "has no Type", queueUrl, sqsId);
      }
      Object value = attribute.get("Value");
      attributes.put(name, attribute(snsId, name, type, value, queueUrl, sqsId));
    }
    return attributes;
  }

  private static MessageAttributeValue attribute(
      String snsId, String name, String type, Object value, String queueUrl, String sqsId) {
    MessageAttributeValue.Builder attribute = MessageAttributeValue.builder().dataType(type);
    String base = type.contains(".") ? type.substring(0, type.indexOf('.')) : type;
    switch (base) {
      case "String", "Number" -> {
        if (value instanceof List<?> list && type.equals("String.Array")) {
          try {
            return attribute.stringValue(JSON_CODEC.asString(list)).build();
          } catch (IOException e) {
            throw badAttribute(snsId, name, "has an unreadable String.Array", queueUrl, sqsId);
          }
        }
        if (!(value instanceof String) && !(value instanceof Number)) {
          throw badAttribute(
              snsId, name, "of type " + clip(type) + " has no value", queueUrl, sqsId);
        }
        return attribute.stringValue(String.valueOf(value)).build();
      }
      case "Binary" -> {
        if (!(value instanceof String encoded)) {
          throw badAttribute(snsId, name, "of type Binary has no value", queueUrl, sqsId);
        }
        try {
          return attribute
              .binaryValue(SdkBytes.fromByteArrayUnsafe(Base64.getDecoder().decode(encoded)))
              .build();
        } catch (IllegalArgumentException e) {
          throw badAttribute(snsId, name, "of type Binary is not base64", queueUrl, sqsId);
        }
      }
      default -> throw badAttribute(snsId, name, "has unknown type " + clip(type), queueUrl, sqsId);
    }
  }

  private static SnsEnvelopeException badAttribute(
      String snsId, String name, String what, String queueUrl, String sqsId) {
    return new SnsEnvelopeException(
        "SNS envelope " + clip(snsId) + ": message attribute '" + clip(name) + "' " + what,
        queueUrl,
        sqsId);
  }

  /** Envelope fields are untrusted: names in messages are kept short. */
  private static String clip(String value) {
    return value.length() <= 256 ? value : value.substring(0, 256) + "…";
  }
}
