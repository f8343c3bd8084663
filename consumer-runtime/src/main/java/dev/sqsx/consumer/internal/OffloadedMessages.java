/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.extended.ExtendedMessages;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Turns a message that the extended client resolved back into what is on the wire: its pointer body
 * and marker attribute, and the receipt handle SQS gave. Loaded only for receipt handles that carry
 * payload markers, so sqsx-extended-client is needed only by those who use it. Uses the extended
 * client's public {@link ExtendedMessages}, never its internals, so any compatible version works.
 */
final class OffloadedMessages {

  private OffloadedMessages() {}

  static boolean mayBeOffloaded(String receiptHandle) {
    return receiptHandle != null && receiptHandle.startsWith("-..");
  }

  /** The pointer body and attributes (with the marker) of an offloaded message, if it is one. */
  static Optional<Wire> wire(
      String receiptHandle, String resolvedBody, Map<String, MessageAttributeValue> attributes) {
    return ExtendedMessages.pointerMessage(receiptHandle, resolvedBody, attributes)
        .map(message -> new Wire(message.body(), message.attributes(), message.receiptHandle()));
  }

  /** The receipt handle SQS gave, without the pointer the extended client embedded in it. */
  static String sqsReceiptHandle(String receiptHandle) {
    return ExtendedMessages.sqsReceiptHandle(receiptHandle);
  }

  /** A message as SQS holds it. */
  record Wire(String body, Map<String, MessageAttributeValue> attributes, String receiptHandle) {}
}
