package dev.sqsx.consumer.internal;

import dev.sqsx.extended.PayloadPointer;
import dev.sqsx.extended.internal.Markers;
import dev.sqsx.extended.internal.PointerCodec;
import dev.sqsx.extended.internal.ReceiptHandles;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Turns a message that the extended client resolved back into what is on the wire: its pointer body
 * and marker attribute, and the receipt handle SQS gave. Loaded only for receipt handles that carry
 * payload markers, so sqsx-extended-client is needed only by those who use it.
 */
final class OffloadedMessages {

  private OffloadedMessages() {}

  static boolean mayBeOffloaded(String receiptHandle) {
    return receiptHandle != null && receiptHandle.startsWith("-..");
  }

  /** The pointer body and attributes (with the marker) of an offloaded message, if it is one. */
  static Optional<Wire> wire(
      String receiptHandle, String resolvedBody, Map<String, MessageAttributeValue> attributes) {
    ReceiptHandles.Parsed parsed = ReceiptHandles.parse(receiptHandle);
    if (parsed.pointer().isEmpty()) {
      return Optional.empty();
    }
    PayloadPointer pointer = parsed.pointer().get();
    return Optional.of(
        new Wire(
            PointerCodec.write(pointer),
            Markers.add(attributes, Markers.utf8Length(resolvedBody), false),
            parsed.original()));
  }

  /** A message as SQS holds it. */
  record Wire(String body, Map<String, MessageAttributeValue> attributes, String receiptHandle) {}
}
