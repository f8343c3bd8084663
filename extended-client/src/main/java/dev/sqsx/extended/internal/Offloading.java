/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import dev.sqsx.extended.ExtendedClientException;
import dev.sqsx.extended.PayloadPointer;
import dev.sqsx.extended.SnsNotification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The rules both extended clients follow, without I/O: when to offload, what a pointer message
 * looks like, how a received message is restored, how receipt handles are unwrapped.
 */
public final class Offloading {

  /**
   * An upper bound of a pointer body's size: JSON overhead, a 63-character bucket and a key of up
   * to 1,024 characters.
   */
  static final long POINTER_SIZE_BOUND = 1_200;

  private static final Set<String> ALL_ATTRIBUTES = Set.of("All", ".*");

  private final Settings settings;

  /** Rules for the given options. */
  public Offloading(Settings settings) {
    this.settings = settings;
  }

  /** The options these rules follow. */
  public Settings settings() {
    return settings;
  }

  /**
   * Whether a message must go to the payload store when the threshold is {@code threshold} bytes
   * (fixed, or the target queue's {@code MaximumMessageSize} with the {@code auto} threshold).
   */
  public boolean mustOffload(
      String body, Map<String, MessageAttributeValue> attributes, long threshold) {
    if (!settings.payloadSupportEnabled()) {
      return false;
    }
    // UTF-8 never takes fewer bytes than the string has chars: a longer body needs no count.
    if (settings.alwaysOffload() || (body != null && body.length() > threshold)) {
      return true;
    }
    return mustOffload(Markers.messageSize(body, attributes), threshold);
  }

  private boolean mustOffload(long messageSize, long threshold) {
    return settings.alwaysOffload() || messageSize > threshold;
  }

  /**
   * The smallest pointer body (empty bucket and key): what any offloaded message carries besides
   * its attributes and the size marker.
   */
  static final long POINTER_SIZE_MINIMUM =
      Math.min(
              PointerCodec.write(PayloadPointer.s3("b", "k")).length(),
              PointerCodec.write(PayloadPointer.dynamoDb("t", "k")).length())
          - 2L;

  /**
   * Whether a message with these attributes can reach a queue whose limit is {@code limit} bytes
   * even when offloaded: its attributes, the size marker and a pointer body must fit.
   */
  public static boolean fitsWhenOffloaded(
      Map<String, MessageAttributeValue> attributes, long limit) {
    return offloadedSizeAtLeast(attributes) <= limit;
  }

  /** The least an offloaded message with these attributes takes: pointer, marker, attributes. */
  public static long offloadedSizeAtLeast(Map<String, MessageAttributeValue> attributes) {
    return POINTER_SIZE_MINIMUM + Markers.markerSize() + Markers.messageSize(null, attributes);
  }

  /**
   * Checks that an offloaded message can carry the marker attribute.
   *
   * @throws ExtendedClientException when the message already has 10 attributes
   */
  public void checkRoomForMarker(String queueUrl, Map<String, MessageAttributeValue> attributes) {
    if (attributes.size() >= Markers.MAX_ATTRIBUTES) {
      throw new ExtendedClientException(
          "message has "
              + attributes.size()
              + " attributes; an offloaded message needs one more for the marker and SQS allows "
              + Markers.MAX_ATTRIBUTES,
          queueUrl,
          null,
          null,
          null);
    }
    for (String name : Markers.NAMES) {
      if (attributes.containsKey(name)) {
        throw new ExtendedClientException(
            "message attribute name '" + name + "' is reserved for the payload marker",
            queueUrl,
            null,
            null,
            null);
      }
    }
  }

  /**
   * The stable payload key of a FIFO send whose deduplication id is known (given, or the body's
   * SHA-256 with content-based deduplication), else null: the hex SHA-256 of the queue, the
   * deduplication id, the body's SHA-256 and the current minute. Sends that SQS deduplicates (same
   * id within 5 minutes) within one minute share the payload instead of orphaning copies; two sends
   * that SQS delivers both are at least 5 minutes apart, so they never share one (as long as
   * producers' clocks are within 4 minutes of each other).
   */
  public static String stableKey(
      String queueUrl, String deduplicationId, boolean contentBased, String body, long nowMillis) {
    if (!isFifo(queueUrl) || (deduplicationId == null && !contentBased)) {
      return null;
    }
    String bodyHash = Digests.sha256Hex(body);
    String id = deduplicationId != null ? deduplicationId : bodyHash;
    return Digests.sha256Hex(
        queueUrl + "\n" + id + "\n" + bodyHash + "\n" + Math.floorDiv(nowMillis, 60_000));
  }

  /** Whether a send to this queue may need a content-based deduplication id. */
  public static boolean isFifo(String queueUrl) {
    return queueUrl != null && queueUrl.endsWith(".fifo");
  }

  /**
   * The pointer message that replaces a large one whose body is {@code utf8Length} bytes (known to
   * the caller, which encoded it to store it).
   */
  public SendMessageRequest pointerRequest(
      SendMessageRequest request,
      PayloadPointer pointer,
      long utf8Length,
      boolean contentBasedDeduplication) {
    SendMessageRequest.Builder pointerMessage =
        request.toBuilder()
            .messageBody(PointerCodec.write(pointer))
            .messageAttributes(
                Markers.add(
                    request.messageAttributes(), utf8Length, settings.legacyAttributeName()));
    if (contentBasedDeduplication && request.messageDeduplicationId() == null) {
      pointerMessage.messageDeduplicationId(Digests.sha256Hex(request.messageBody()));
    }
    pointerMessage.overrideConfiguration(
        SendAttempts.withoutSdkRetries(request.overrideConfiguration()));
    return pointerMessage.build();
  }

  /** The pointer entry that replaces a large batch entry. */
  public SendMessageBatchRequestEntry pointerEntry(
      SendMessageBatchRequestEntry entry,
      PayloadPointer pointer,
      long utf8Length,
      boolean contentBasedDeduplication) {
    SendMessageBatchRequestEntry.Builder pointerEntry =
        entry.toBuilder()
            .messageBody(PointerCodec.write(pointer))
            .messageAttributes(
                Markers.add(entry.messageAttributes(), utf8Length, settings.legacyAttributeName()));
    if (contentBasedDeduplication && entry.messageDeduplicationId() == null) {
      pointerEntry.messageDeduplicationId(Digests.sha256Hex(entry.messageBody()));
    }
    return pointerEntry.build();
  }

  /**
   * The batch with the planned entries replaced by pointers to their stored payloads and the UTF-8
   * lengths of their bodies (both by entry id), sent with the SDK's retries off (the extended
   * clients retry offloaded sends themselves).
   */
  public SendMessageBatchRequest pointerBatch(
      SendMessageBatchRequest request,
      List<Integer> plan,
      Map<String, PayloadPointer> stored,
      Map<String, Integer> utf8Lengths,
      boolean contentBasedDeduplication) {
    List<SendMessageBatchRequestEntry> rewritten = new ArrayList<>(request.entries());
    for (int index : plan) {
      SendMessageBatchRequestEntry entry = rewritten.get(index);
      rewritten.set(
          index,
          pointerEntry(
              entry,
              stored.get(entry.id()),
              utf8Lengths.get(entry.id()),
              contentBasedDeduplication));
    }
    return request.toBuilder()
        .entries(rewritten)
        .overrideConfiguration(SendAttempts.withoutSdkRetries(request.overrideConfiguration()))
        .build();
  }

  /**
   * Refuses a batch whose entry ids repeat before any payload is stored for it, with the error SQS
   * would give (so a caller's handling stays the same) naming the repeated id.
   */
  public static void requireDistinctIds(List<SendMessageBatchRequestEntry> entries) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (SendMessageBatchRequestEntry entry : entries) {
      if (!seen.add(entry.id())) {
        throw software.amazon.awssdk.services.sqs.model.BatchEntryIdsNotDistinctException.builder()
            .message(
                "Two or more batch entries in the request have the same Id: '"
                    + entry.id()
                    + "' (refused by sqsx before storing any payload)")
            .statusCode(400)
            .awsErrorDetails(
                software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                    .errorCode("AWS.SimpleQueueService.BatchEntryIdsNotDistinct")
                    .serviceName("Sqs")
                    .build())
            .build();
      }
    }
  }

  /**
   * Which entries of a batch to offload, in order of position: every entry over {@code threshold}
   * (or all with {@code alwaysOffload}), then the largest remaining ones until the batch's total
   * fits {@code batchSizeLimit}. Entries in {@code skipped} (positions) are left out: they are not
   * sent.
   */
  public List<Integer> batchOffloadPlan(
      List<SendMessageBatchRequestEntry> entries, long threshold, Set<Integer> skipped) {
    if (!settings.payloadSupportEnabled()) {
      return List.of();
    }
    int count = entries.size();
    long[] sizes = new long[count];
    Set<Integer> offload = new LinkedHashSet<>();
    long total = 0;
    for (int i = 0; i < count; i++) {
      if (skipped.contains(i)) {
        continue;
      }
      SendMessageBatchRequestEntry entry = entries.get(i);
      sizes[i] = Markers.messageSize(entry.messageBody(), entry.messageAttributes());
      if (mustOffload(sizes[i], threshold)) {
        offload.add(i);
        total += offloadedSize(entry);
      } else {
        total += sizes[i];
      }
    }
    List<Integer> bySizeDescending = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (!offload.contains(i) && !skipped.contains(i)) {
        bySizeDescending.add(i);
      }
    }
    bySizeDescending.sort(Comparator.comparingLong((Integer i) -> sizes[i]).reversed());
    for (int i : bySizeDescending) {
      if (total <= settings.batchSizeLimit()) {
        break;
      }
      offload.add(i);
      total += offloadedSize(entries.get(i)) - sizes[i];
    }
    List<Integer> plan = new ArrayList<>(offload);
    plan.sort(Comparator.naturalOrder());
    return plan;
  }

  private static long offloadedSize(SendMessageBatchRequestEntry entry) {
    return POINTER_SIZE_BOUND
        + Markers.markerSize()
        + Markers.messageSize(null, entry.messageAttributes());
  }

  /**
   * The receive request with both marker attributes and the compression attribute asked for (unless
   * all attributes are).
   */
  public ReceiveMessageRequest receiveRequest(ReceiveMessageRequest request) {
    if (!settings.payloadSupportEnabled()) {
      return request;
    }
    List<String> names = request.messageAttributeNames();
    if (names.stream().anyMatch(ALL_ATTRIBUTES::contains)
        || (names.containsAll(Markers.NAMES) && names.containsAll(Compressing.NAMES))) {
      return request;
    }
    Set<String> withMarkers = new LinkedHashSet<>(names);
    withMarkers.addAll(Markers.NAMES);
    withMarkers.addAll(Compressing.NAMES);
    return request.toBuilder().messageAttributeNames(new ArrayList<>(withMarkers)).build();
  }

  /**
   * The pointer a received message carries, or empty for an ordinary message.
   *
   * @throws dev.sqsx.extended.MalformedPointerException when the marker is there but the body is
   *     not a pointer
   */
  public Optional<PayloadPointer> pointerOf(Message message) {
    if (!settings.payloadSupportEnabled() || !Markers.present(message.messageAttributes())) {
      return Optional.empty();
    }
    return Optional.of(PointerCodec.read(message.body()));
  }

  /**
   * The message as the sender sent it: payload body (decoded from its UTF-8 bytes), no marker,
   * pointer in the receipt handle.
   */
  public static Message resolved(Message message, PayloadPointer pointer, byte[] payload) {
    return resolved(message, pointer, payload, false);
  }

  /**
   * The resolved message; with {@code shared} (the payload came through SNS, other subscriptions
   * read it too) its receipt handle marks the payload as never to be deleted with the message.
   */
  public static Message resolved(
      Message message, PayloadPointer pointer, byte[] payload, boolean shared) {
    return resolved(message, pointer, payload, shared, null);
  }

  /**
   * The resolved message of a payload that was stored compressed with {@code encoding} (null: not
   * compressed) and is {@code payload} once decompressed: its receipt handle says so too.
   */
  public static Message resolved(
      Message message, PayloadPointer pointer, byte[] payload, boolean shared, String encoding) {
    String handle =
        shared
            ? ReceiptHandles.embedShared(pointer, message.receiptHandle())
            : ReceiptHandles.embed(pointer, message.receiptHandle());
    return message.toBuilder()
        .body(new String(payload, StandardCharsets.UTF_8))
        // of the bytes as read (decompressed): the body is not encoded again for its digest
        .md5OfBody(Digests.md5Hex(payload))
        .messageAttributes(Compressing.strip(Markers.strip(message.messageAttributes())))
        .receiptHandle(encoding == null ? handle : ReceiptHandles.embedEncoding(encoding, handle))
        .build();
  }

  /**
   * An inline compressed message decompressed: {@code body} its bytes, its MD5 over them, no
   * compression attribute; its receipt handle unchanged. One unwrapped from an SNS envelope carries
   * the system-attribute string {@value Compressing#SNS_ENCODING} naming {@code encoding}.
   */
  public static Message decompressed(Message message, byte[] body, String encoding) {
    Message.Builder decompressed =
        message.toBuilder()
            .body(new String(body, StandardCharsets.UTF_8))
            .md5OfBody(Digests.md5Hex(body))
            .messageAttributes(Compressing.strip(message.messageAttributes()));
    Map<String, String> system = message.attributesAsStrings();
    if (system.containsKey(SnsNotification.TOPIC_ARN)) {
      // unwrapped from SNS: a copy sent on (to a DLQ) is the envelope, compressed again (its
      // decompressed body may not fit a message), so the encoding goes with the message
      Map<String, String> marked = new LinkedHashMap<>(system);
      marked.put(Compressing.SNS_ENCODING, encoding);
      decompressed.attributesWithStrings(marked);
    }
    return decompressed.build();
  }

  /**
   * The handle split into what SQS needs and the embedded pointer. A handle that starts with a
   * marker but is malformed is passed to SQS as it is, so SQS rejects it with its own error.
   */
  public static ReceiptHandles.Parsed parseHandle(String handle) {
    try {
      return ReceiptHandles.parse(handle);
    } catch (ExtendedClientException e) {
      return new ReceiptHandles.Parsed(handle, Optional.empty());
    }
  }

  /** The request with its receipt handle unwrapped. */
  public static ChangeMessageVisibilityRequest unwrapped(ChangeMessageVisibilityRequest request) {
    return request.toBuilder()
        .receiptHandle(parseHandle(request.receiptHandle()).original())
        .build();
  }

  /** The request with every entry's receipt handle unwrapped. */
  public static ChangeMessageVisibilityBatchRequest unwrapped(
      ChangeMessageVisibilityBatchRequest request) {
    List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
    for (ChangeMessageVisibilityBatchRequestEntry entry : request.entries()) {
      entries.add(
          entry.toBuilder().receiptHandle(parseHandle(entry.receiptHandle()).original()).build());
    }
    return request.toBuilder().entries(entries).build();
  }

  /** The entries' handles split, in request order. */
  public static List<ReceiptHandles.Parsed> parseHandles(DeleteMessageBatchRequest request) {
    List<ReceiptHandles.Parsed> parsed = new ArrayList<>();
    for (DeleteMessageBatchRequestEntry entry : request.entries()) {
      parsed.add(parseHandle(entry.receiptHandle()));
    }
    return parsed;
  }

  /** The batch delete with every entry's receipt handle unwrapped. */
  public static DeleteMessageBatchRequest unwrapped(
      DeleteMessageBatchRequest request, List<ReceiptHandles.Parsed> handles) {
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < request.entries().size(); i++) {
      entries.add(
          request.entries().get(i).toBuilder().receiptHandle(handles.get(i).original()).build());
    }
    return request.toBuilder().entries(entries).build();
  }
}
