/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.Futures;
import dev.sqsx.extended.internal.Markers;
import dev.sqsx.extended.internal.Offloading;
import dev.sqsx.extended.internal.PointerCodec;
import dev.sqsx.extended.internal.ReceiptHandles;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The extended clients' message rules, for code that receives messages some other way (a Lambda
 * event, an SNS envelope, a consumer's dead-letter step): whether a message is offloaded, its
 * pointer, resolving it with a {@link PayloadStore}, the receipt handle SQS needs, and the pointer
 * message to send again (for a DLQ) for a message that was resolved. Stateless and thread-safe.
 *
 * <p>"Raw" is a message as SQS returns it (pointer body, marker attribute); "resolved" is one the
 * extended client returned (original body, no marker, the pointer embedded in the receipt handle).
 */
public final class ExtendedMessages {

  /** The marker attribute of a pointer message: the payload's UTF-8 length, as a Number. */
  public static final String MARKER = Markers.NAME;

  /** The marker's legacy name ({@code SQSLargePayloadSize}), still read everywhere. */
  public static final String LEGACY_MARKER = Markers.LEGACY_NAME;

  private ExtendedMessages() {}

  /**
   * The body a pointer message carries for {@code pointer}: AWS's {@code PayloadS3Pointer} JSON for
   * S3, sqsx's {@code PayloadDynamoDbPointer} for DynamoDB — what the extended clients send, for
   * other senders of pointers (sqsx-sns).
   */
  public static String pointerBody(PayloadPointer pointer) {
    return PointerCodec.write(pointer);
  }

  /**
   * Whether deleting the message with this receipt handle leaves its payload alone because other
   * subscriptions share it (it came through SNS).
   */
  public static boolean sharedPayload(String receiptHandle) {
    return Offloading.parseHandle(receiptHandle).shared();
  }

  /** A message as SQS holds it: pointer body, attributes with the marker, SQS's receipt handle. */
  public record PointerMessage(
      String body, Map<String, MessageAttributeValue> attributes, String receiptHandle) {}

  /** Whether a raw message carries the marker attribute (either name): its body is a pointer. */
  public static boolean isOffloaded(Message raw) {
    return Markers.present(raw.messageAttributes());
  }

  /**
   * The pointer of a raw message, or empty for a message that is not offloaded.
   *
   * @throws MalformedPointerException when the marker is there but the body is not a pointer
   */
  public static Optional<PayloadPointer> pointerOf(Message raw) {
    return isOffloaded(raw) ? Optional.of(PointerCodec.read(raw.body())) : Optional.empty();
  }

  /**
   * The message as its sender sent it: the payload read from {@code store} (whose allow-list, size
   * limit and integrity check apply), no marker, the pointer embedded in the receipt handle. A
   * message that is not offloaded is returned as it is.
   *
   * @throws ExtendedClientException (or a subclass: malformed, not allowed, not found, too large,
   *     integrity) when the payload cannot be resolved
   */
  public static Message resolve(Message raw, PayloadStore store) {
    Objects.requireNonNull(store, "store cannot be null");
    Optional<PayloadPointer> pointer = pointerOf(raw);
    if (pointer.isEmpty()) {
      return raw;
    }
    return Offloading.resolved(raw, pointer.get(), store.readUtf8(pointer.get()));
  }

  /** {@link #resolve} without blocking; every failure is a failed future. */
  public static CompletableFuture<Message> resolveAsync(Message raw, PayloadStore store) {
    try {
      Objects.requireNonNull(store, "store cannot be null");
      Optional<PayloadPointer> pointer = pointerOf(raw);
      if (pointer.isEmpty()) {
        return CompletableFuture.completedFuture(raw);
      }
      return Futures.guarded(() -> store.readUtf8Async(pointer.get()))
          .thenApply(payload -> Offloading.resolved(raw, pointer.get(), payload));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The pointer embedded in a resolved message's receipt handle, if any. */
  public static Optional<PayloadPointer> embeddedPointer(String receiptHandle) {
    return Offloading.parseHandle(receiptHandle).pointer();
  }

  /** The receipt handle SQS needs: the given one without an embedded pointer. */
  public static String sqsReceiptHandle(String receiptHandle) {
    return Offloading.parseHandle(receiptHandle).original();
  }

  /**
   * The pointer message for a resolved one — pointer body, its attributes plus the marker ({@code
   * ExtendedPayloadSize}, the resolved body's UTF-8 length), SQS's receipt handle — to send it on
   * (e.g. to a DLQ) without storing the payload again. Empty when the receipt handle embeds no
   * pointer (the message was not offloaded).
   */
  public static Optional<PointerMessage> pointerMessage(
      String receiptHandle, String resolvedBody, Map<String, MessageAttributeValue> attributes) {
    ReceiptHandles.Parsed parsed = Offloading.parseHandle(receiptHandle);
    return parsed
        .pointer()
        .map(
            pointer ->
                new PointerMessage(
                    PointerCodec.write(pointer),
                    Markers.add(attributes, Markers.utf8Length(resolvedBody), false),
                    parsed.original()));
  }
}
