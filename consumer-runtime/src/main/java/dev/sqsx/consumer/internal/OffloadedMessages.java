/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.extended.ExtendedMessages;
import dev.sqsx.extended.PayloadLifetime;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Turns a message that the extended client resolved back into what is on the wire: its pointer body
 * and marker attribute (or the SNS envelope it came in), and the receipt handle SQS gave. Loaded
 * only for messages the extended client changed, so sqsx-extended-client is needed only by those
 * who use it. Uses the extended client's public {@link ExtendedMessages}, never its internals, so
 * any compatible version works.
 */
final class OffloadedMessages {

  private OffloadedMessages() {}

  /**
   * The system-attribute string the extended client puts on a message it unwrapped from an SNS
   * envelope ({@code SnsNotification.TOPIC_ARN}), named here so that checking for it loads nothing.
   */
  private static final String SNS_TOPIC_ARN = "sqsx.SnsTopicArn";

  static boolean mayBeOffloaded(String receiptHandle) {
    return receiptHandle != null && receiptHandle.startsWith("-..");
  }

  /** Whether the extended client changed the message: resolved a payload or unwrapped SNS. */
  static boolean mayBeChanged(Message message) {
    return mayBeOffloaded(message.receiptHandle())
        || message.attributesAsStrings().containsKey(SNS_TOPIC_ARN);
  }

  /**
   * The message as SQS held it (pointer body and marker, or the SNS envelope it came in), if the
   * extended client changed it.
   */
  static Optional<Wire> wire(Message message) {
    return ExtendedMessages.asReceived(message)
        .map(wire -> new Wire(wire.body(), wire.attributes(), wire.receiptHandle()));
  }

  /**
   * Whether the handle embeds a payload that goes with the message when it is deleted through the
   * extended client (one not shared through SNS).
   */
  static boolean ownsPayload(String receiptHandle) {
    return PayloadLifetime.mayDeleteWithMessage(receiptHandle);
  }

  /** The receipt handle SQS gave, without the pointer the extended client embedded in it. */
  static String sqsReceiptHandle(String receiptHandle) {
    return ExtendedMessages.sqsReceiptHandle(receiptHandle);
  }

  /** A message as SQS holds it. */
  record Wire(String body, Map<String, MessageAttributeValue> attributes, String receiptHandle) {}
}
