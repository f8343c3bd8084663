/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.BodyCodec;
import dev.sqsx.extended.internal.Compressing;
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
 * pointer, resolving it with a {@link PayloadStore}, the receipt handle SQS needs, and the message
 * as SQS held it, to send again (to a DLQ) for a message that was resolved. Stateless and
 * thread-safe.
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
   * {@code body} as the extended clients compress it, for other senders (sqsx-sns): its UTF-8 bytes
   * compressed with {@code compression}, in base64, to send with the String attribute {@value
   * Compression#ATTRIBUTE} naming {@link Compression#encoding()}; empty when the body has fewer
   * than {@code minSize} UTF-8 bytes or would not shrink (the attribute counted).
   *
   * @throws IllegalStateException for {@link Compression#ZSTD} without its library
   */
  public static Optional<String> compressedBody(String body, Compression compression, int minSize) {
    Objects.requireNonNull(compression, "compression cannot be null");
    return Compressing.compressedBody(body, compression, minSize);
  }

  /**
   * Fails unless {@code compression} can be used here: {@link Compression#ZSTD} needs {@code
   * com.github.luben:zstd-jni} on the class path.
   *
   * @throws IllegalStateException naming the library to add
   */
  public static void requireAvailable(Compression compression) {
    if (compression == Compression.ZSTD) {
      BodyCodec.requireZstd();
    }
  }

  /**
   * Whether deleting the message with this receipt handle leaves its payload alone because other
   * subscriptions share it (it came through SNS).
   */
  public static boolean sharedPayload(String receiptHandle) {
    return Offloading.parseHandle(receiptHandle).shared();
  }

  /**
   * A message as SQS holds it: its body (a pointer, or an SNS envelope), its message attributes
   * (with the marker for a pointer), SQS's receipt handle.
   */
  public record WireMessage(
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
   * The most bytes {@link #resolve} and {@link #resolveAsync} let a compressed body decompress to:
   * 64 MiB, as the extended clients' default {@code maxPayloadSize}.
   */
  public static final long MAX_DECOMPRESSED_SIZE = S3PayloadStore.DEFAULT_MAX_PAYLOAD_SIZE;

  /**
   * The message as its sender sent it: the payload read from {@code store} (whose allow-list, size
   * limit and integrity check apply), no marker, the pointer embedded in the receipt handle —
   * marked shared ({@link #sharedPayload}) for a message {@link SnsNotification#unwrap} returned. A
   * compressed body ({@value Compression#ATTRIBUTE}), inline or stored, is decompressed (at most
   * {@link #MAX_DECOMPRESSED_SIZE} bytes). A message that is neither is returned as it is.
   *
   * @throws ExtendedClientException (or a subclass: malformed, not allowed, not found, too large,
   *     integrity, {@link PayloadEncodingException}) when the payload cannot be resolved
   */
  public static Message resolve(Message raw, PayloadStore store) {
    Objects.requireNonNull(store, "store cannot be null");
    Optional<PayloadPointer> pointer = pointerOf(raw);
    if (pointer.isEmpty()) {
      return decompressedInline(raw);
    }
    return resolved(raw, pointer.get(), store.readUtf8(pointer.get()));
  }

  /** {@link #resolve} without blocking; every failure is a failed future. */
  public static CompletableFuture<Message> resolveAsync(Message raw, PayloadStore store) {
    try {
      Objects.requireNonNull(store, "store cannot be null");
      Optional<PayloadPointer> pointer = pointerOf(raw);
      if (pointer.isEmpty()) {
        return CompletableFuture.completedFuture(decompressedInline(raw));
      }
      return Futures.guarded(() -> store.readUtf8Async(pointer.get()))
          .thenApply(payload -> resolved(raw, pointer.get(), payload));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Message resolved(Message raw, PayloadPointer pointer, byte[] payload) {
    Optional<String> encoding = Compressing.encodingOf(raw.messageAttributes());
    if (encoding.isEmpty()) {
      return Offloading.resolved(raw, pointer, payload, cameThroughSns(raw));
    }
    byte[] body;
    try {
      body = Compressing.decompressStored(encoding.get(), payload, MAX_DECOMPRESSED_SIZE);
    } catch (BodyCodec.Refused e) {
      throw encodingFailure(raw, pointer, e);
    }
    return Offloading.resolved(raw, pointer, body, cameThroughSns(raw), encoding.get());
  }

  private static Message decompressedInline(Message raw) {
    Optional<String> encoding = Compressing.encodingOf(raw.messageAttributes());
    if (encoding.isEmpty()) {
      return raw;
    }
    try {
      return Offloading.decompressed(
          raw,
          Compressing.decompressInline(encoding.get(), raw.body(), MAX_DECOMPRESSED_SIZE),
          encoding.get());
    } catch (BodyCodec.Refused e) {
      throw encodingFailure(raw, null, e);
    }
  }

  private static PayloadEncodingException encodingFailure(
      Message raw, PayloadPointer pointer, BodyCodec.Refused cause) {
    return new PayloadEncodingException(
        "cannot decompress this message: " + cause.getMessage(),
        null,
        raw.messageId(),
        pointer,
        cause);
  }

  /**
   * Whether the message was unwrapped from an SNS envelope: its payload is shared with the topic's
   * other subscriptions.
   */
  private static boolean cameThroughSns(Message message) {
    return SnsNotification.topicArnOf(message).isPresent();
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
   * The message as SQS held it, to send it on (to a DLQ) without storing its payload again, for a
   * message the extended client (or {@link #resolve}, or {@link SnsNotification#unwrap}) changed:
   *
   * <ul>
   *   <li>one unwrapped from an SNS envelope: the notification as SNS delivered it ({@link
   *       SnsNotification#toJson}), with the pointer and marker inside for an offloaded payload,
   *       and no message attributes of its own. Its payload stays shared: whoever reads the copy —
   *       sqsx unwrapping it, sqsx or AWS's extended client seeing a plain body — never deletes the
   *       payload with it, as the topic's other subscriptions may still need it;
   *   <li>an offloaded one: the pointer body, and its attributes plus the marker ({@code
   *       ExtendedPayloadSize}, the body's UTF-8 length), and {@value Compression#ATTRIBUTE} when
   *       the payload is stored compressed (its receipt handle says so).
   * </ul>
   *
   * <p>A notification that came compressed inline (and was decompressed) goes as its envelope with
   * the body compressed again with the same encoding and {@value Compression#ATTRIBUTE} among its
   * message attributes, as SNS delivered it (the bytes may differ; they decompress to the same
   * body).
   *
   * <p>The receipt handle is the one SQS gave. Empty for a message that is as SQS returned it.
   */
  public static Optional<WireMessage> asReceived(Message message) {
    ReceiptHandles.Parsed parsed = Offloading.parseHandle(message.receiptHandle());
    Optional<PayloadPointer> pointer = parsed.pointer();
    String body = pointer.map(PointerCodec::write).orElse(message.body());
    Map<String, MessageAttributeValue> attributes =
        pointer.isPresent()
            ? Markers.add(message.messageAttributes(), Markers.utf8Length(message.body()), false)
            : message.messageAttributes();
    if (pointer.isPresent() && parsed.encoding().isPresent()) {
      // the payload is stored compressed: the copy says so (the marker's size is only a hint)
      attributes = Compressing.marked(attributes, parsed.encoding().get());
    }
    Optional<Compression> inline =
        pointer.isPresent()
            ? Optional.empty()
            : Compression.ofEncoding(message.attributesAsStrings().get(Compressing.SNS_ENCODING));
    if (inline.isPresent()) {
      // an SNS notification that came compressed inline: the copy is the envelope as SNS
      // delivered it, compressed and marked again (decompressed, it may not fit a message)
      body = Compressing.compressedAnyway(message.body(), inline.get());
      attributes = Compressing.marked(attributes, inline.get().encoding());
    }
    Optional<SnsNotification> notification = SnsNotification.of(message, body, attributes);
    if (notification.isPresent()) {
      return Optional.of(new WireMessage(notification.get().toJson(), Map.of(), parsed.original()));
    }
    Map<String, MessageAttributeValue> wire = attributes;
    String wireBody = body;
    return pointer.map(found -> new WireMessage(wireBody, wire, parsed.original()));
  }
}
