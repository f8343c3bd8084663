/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

import dev.sqsx.consumer.NonRetryableException;
import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.idempotency.internal.CanonicalJson;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Where a message's idempotency key comes from. The handler wrapper prefixes it with the namespace
 * you choose, so keys do not change when code is refactored.
 *
 * <p>A key that cannot be found (no such JSON field, no deduplication id) fails the message with a
 * {@link NonRetryableException}: retrying cannot make it appear.
 */
@FunctionalInterface
public interface IdempotencyKey {

  /** The key of one message (without the namespace). */
  String of(ReceivedMessage message);

  /** SQS's message id: suppresses redeliveries of one message, not resends of the same content. */
  static IdempotencyKey messageId() {
    return ReceivedMessage::messageId;
  }

  /** A FIFO message's {@code MessageDeduplicationId}. */
  static IdempotencyKey deduplicationId() {
    return message -> {
      String id =
          message.systemAttributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID);
      if (id == null) {
        throw new NonRetryableException(
            "message " + message.messageId() + " has no MessageDeduplicationId to key on");
      }
      return id;
    };
  }

  /**
   * The SHA-256 of the body, JSON bodies in canonical form (sorted keys, no whitespace), so resends
   * of the same content are one key whatever their key order.
   */
  static IdempotencyKey bodySha256() {
    return message -> CanonicalJson.sha256(message.body());
  }

  /**
   * A field of a JSON body, by JSON pointer ({@code /orderId}, {@code /order/id}); objects and
   * arrays there are taken in canonical form.
   */
  static IdempotencyKey jsonField(String pointer) {
    Objects.requireNonNull(pointer, "pointer cannot be null");
    if (!pointer.startsWith("/")) {
      throw new IllegalArgumentException(
          "pointer must be a JSON pointer starting with '/' (RFC 6901), was '" + pointer + "'");
    }
    return message ->
        CanonicalJson.at(message.body(), pointer)
            .orElseThrow(
                () ->
                    new NonRetryableException(
                        "message "
                            + message.messageId()
                            + " has no JSON field "
                            + pointer
                            + " to key on"));
  }
}
