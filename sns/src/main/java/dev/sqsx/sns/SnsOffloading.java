/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import dev.sqsx.extended.Compression;
import dev.sqsx.extended.ExtendedClientException;
import dev.sqsx.extended.ExtendedMessages;
import dev.sqsx.extended.PayloadLifetime;
import dev.sqsx.extended.PayloadPointer;
import dev.sqsx.extended.PayloadStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sns.model.BatchEntryIdsNotDistinctException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.SnsException;

/**
 * The publishing rules both SNS clients share: which messages go to the payload store, what is
 * refused, and the pointer message published instead — AWS's SNS extended client's wire format (the
 * pointer JSON as the message, {@code ExtendedPayloadSize} = the payload's UTF-8 length as a Number
 * attribute). Immutable.
 */
final class SnsOffloading {

  /**
   * SNS's default limit for one message (and for a batch), attributes included: a topic's {@code
   * MaximumMessageSize} unless raised.
   */
  static final int SNS_MAX_MESSAGE_SIZE = 262_144;

  /** The largest {@code MaximumMessageSize} a topic can have. */
  static final int SNS_LARGEST_MESSAGE_SIZE = 1_048_576;

  /** The {@code threshold} of the {@code auto} threshold. */
  static final int AUTO = -1;

  private static final Logger LOG = LoggerFactory.getLogger(SnsOffloading.class);

  /** User attributes an offloaded message may carry: SQS's 10, less the marker. */
  private static final int MAX_USER_ATTRIBUTES = 9;

  private final PayloadStore store;
  private final int threshold;
  private final boolean alwaysOffload;
  private final String marker;

  /** Each topic's {@code MaximumMessageSize}, for the {@code auto} threshold; null when fixed. */
  private final TopicSizeLimits limits;

  /** How bodies are compressed before the offloading decision; null: not at all. */
  private final Compression compression;

  private final int compressionMinSize;

  /**
   * @param threshold the fixed threshold, or {@link #AUTO}
   * @param readLimit reads a topic's {@code MaximumMessageSize} (null when the answer has none)
   */
  SnsOffloading(
      PayloadStore store,
      int threshold,
      boolean alwaysOffload,
      boolean legacyName,
      Duration refresh,
      Function<String, CompletableFuture<String>> readLimit,
      Compression compression,
      int compressionMinSize) {
    this.store = store;
    this.compression = compression;
    this.compressionMinSize = compressionMinSize;
    this.threshold = threshold;
    this.alwaysOffload = alwaysOffload;
    this.marker = legacyName ? ExtendedMessages.LEGACY_MARKER : ExtendedMessages.MARKER;
    this.limits =
        threshold == AUTO
            ? new TopicSizeLimits("topic", readLimit, refresh, System::nanoTime)
            : null;
  }

  /**
   * The threshold for a publication of {@code size} bytes (message plus attributes; for a batch,
   * all its entries) to {@code topicArn}: the fixed one, or (auto) the topic's {@code
   * MaximumMessageSize}, read only when it can change the decision (a publication of up to 1,024
   * bytes fits every topic). A publish to a target that is not a topic (a phone number, an
   * endpoint) gets 262,144.
   */
  CompletableFuture<Long> threshold(String topicArn, long size) {
    if (limits == null) {
      return CompletableFuture.completedFuture((long) threshold);
    }
    if (topicArn == null) {
      return CompletableFuture.completedFuture((long) SNS_MAX_MESSAGE_SIZE);
    }
    if (size <= TopicSizeLimits.MINIMUM) {
      return CompletableFuture.completedFuture((long) SNS_LARGEST_MESSAGE_SIZE);
    }
    return limits.limitOf(topicArn).thenApply(Integer::longValue);
  }

  /**
   * The threshold to try again with after {@code topicArn} refused a publication planned at {@code
   * used} as too long ({@link #refusedForSize}): the topic's limit read again when the kept one was
   * {@code used} and is now lower; else empty (nothing to gain by publishing again).
   */
  CompletableFuture<OptionalLong> lowerThreshold(String topicArn, long used) {
    if (limits == null || topicArn == null || !limits.forget(topicArn, used)) {
      return CompletableFuture.completedFuture(OptionalLong.empty());
    }
    return limits
        .limitOf(topicArn)
        .thenApply(fresh -> fresh < used ? OptionalLong.of(fresh) : OptionalLong.empty());
  }

  /**
   * Whether SNS refused a publication for its size: a message over the topic's {@code
   * MaximumMessageSize} ({@code InvalidParameter}, "Message too long") or a batch over it in total
   * ({@code BatchRequestTooLong}). Nothing was published.
   */
  static boolean refusedForSize(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (!(cause instanceof SnsException sns)
        || sns.statusCode() != 400
        || sns.awsErrorDetails() == null) {
      return false;
    }
    String code = sns.awsErrorDetails().errorCode();
    return "BatchRequestTooLong".equals(code)
        || ("InvalidParameter".equals(code)
            && sns.getMessage() != null
            && sns.getMessage().contains("Message too long"));
  }

  /**
   * The most bytes a batch may carry at {@code threshold}: the topic's limit with the {@code auto}
   * threshold (SNS counts a batch against the topic's {@code MaximumMessageSize}); SNS's default
   * 262,144 with a fixed one (the topic's own is not read).
   */
  private long batchLimit(long threshold) {
    return limits == null ? SNS_MAX_MESSAGE_SIZE : threshold;
  }

  /**
   * The request with its message compressed (see {@code compression} on the builder), or the
   * request itself: not with compression off, a {@code json} message structure (one message per
   * protocol), the attribute already there, more than 8 attributes (the attribute and the size
   * marker need 2 of the 10 an SQS subscriber takes), a small body or one that would not shrink.
   */
  PublishRequest compressed(PublishRequest request) {
    return compressedMessage(
            request.message(), request.messageStructure(), request.messageAttributes())
        .map(
            message ->
                request.toBuilder()
                    .message(message)
                    .messageAttributes(marked(request.messageAttributes()))
                    .build())
        .orElse(request);
  }

  /** The batch with each entry compressed as {@link #compressed(PublishRequest)} would. */
  PublishBatchRequest compressed(PublishBatchRequest request) {
    if (compression == null) {
      return request;
    }
    boolean changed = false;
    List<PublishBatchRequestEntry> entries = new ArrayList<>();
    for (PublishBatchRequestEntry entry : request.publishBatchRequestEntries()) {
      var message =
          compressedMessage(entry.message(), entry.messageStructure(), entry.messageAttributes());
      if (message.isPresent()) {
        changed = true;
        entries.add(
            entry.toBuilder()
                .message(message.get())
                .messageAttributes(marked(entry.messageAttributes()))
                .build());
      } else {
        entries.add(entry);
      }
    }
    return changed ? request.toBuilder().publishBatchRequestEntries(entries).build() : request;
  }

  private java.util.Optional<String> compressedMessage(
      String message, String structure, Map<String, MessageAttributeValue> attributes) {
    if (compression == null
        || "json".equals(structure)
        || attributes.containsKey(Compression.ATTRIBUTE)
        || attributes.size() > MAX_USER_ATTRIBUTES - 1) {
      return java.util.Optional.empty();
    }
    return ExtendedMessages.compressedBody(message, compression, compressionMinSize);
  }

  private Map<String, MessageAttributeValue> marked(Map<String, MessageAttributeValue> attributes) {
    Map<String, MessageAttributeValue> marked = new java.util.LinkedHashMap<>(attributes);
    marked.put(
        Compression.ATTRIBUTE,
        MessageAttributeValue.builder()
            .dataType("String")
            .stringValue(compression.encoding())
            .build());
    return marked;
  }

  /** Message plus attributes, as SNS counts them. */
  static long size(PublishRequest request) {
    return utf8Length(request.message()) + attributesSize(request.messageAttributes());
  }

  /** The sum of the entries' sizes, as SNS counts a batch. */
  static long size(PublishBatchRequest request) {
    long total = 0;
    for (PublishBatchRequestEntry entry : request.publishBatchRequestEntries()) {
      total += utf8Length(entry.message()) + attributesSize(entry.messageAttributes());
    }
    return total;
  }

  PayloadStore store() {
    return store;
  }

  /**
   * The message attribute that names the payload's object key, as AWS's SNS extended client reads
   * it: when a message to offload carries it, its payload is stored under exactly that key (and the
   * attribute is published with the message, as AWS's client does).
   */
  static final String S3_KEY = "S3Key";

  /**
   * One message to offload: its UTF-8 bytes, where it sits (a batch entry's id, or null), and the
   * key its sender named ({@code S3Key}), or null.
   */
  static final class Offload {
    private final String entryId;
    private final byte[] utf8;
    private final String namedKey;

    Offload(String entryId, byte[] utf8, String namedKey) {
      this.entryId = entryId;
      this.utf8 = utf8;
      this.namedKey = namedKey;
    }

    String entryId() {
      return entryId;
    }

    /**
     * Whether another publication may point at the same object: its sender named the key, so a
     * payload stored under it is never deleted after a failed publish (the payload-lifetime rule's
     * "shared").
     */
    boolean shared() {
      return namedKey != null;
    }

    /** The message's UTF-8 bytes; stored as they are, never copied or changed. */
    byte[] utf8() {
      return utf8;
    }
  }

  /** The message to offload at {@code threshold}, or null when it goes as it is. */
  Offload plan(PublishRequest request, long threshold) {
    if (request.message() == null || request.message().isEmpty()) {
      return null;
    }
    byte[] utf8 = request.message().getBytes(StandardCharsets.UTF_8);
    long attributes = attributesSize(request.messageAttributes());
    if (!alwaysOffload && utf8.length + attributes <= threshold) {
      return null;
    }
    check(
        request.messageStructure(),
        request.messageAttributes(),
        attributes,
        utf8.length,
        null,
        threshold);
    return new Offload(null, utf8, namedKey(request.messageAttributes(), null));
  }

  /**
   * The entries to offload: each over {@code threshold} (or all, with {@code alwaysOffload}), then
   * the largest others until the batch fits (the topic's limit with the {@code auto} threshold,
   * else SNS's default 262,144 bytes).
   *
   * @throws BatchEntryIdsNotDistinctException when entry ids repeat and something would be
   *     offloaded: before anything is stored (payloads are kept by entry id)
   */
  List<Offload> plan(PublishBatchRequest request, long threshold) {
    long batchLimit = batchLimit(threshold);
    String repeatedId = repeatedId(request.publishBatchRequestEntries());
    List<Offload> offloads = new ArrayList<>();
    List<Offload> others = new ArrayList<>();
    long total = 0;
    for (PublishBatchRequestEntry entry : request.publishBatchRequestEntries()) {
      if (entry.message() == null || entry.message().isEmpty()) {
        continue;
      }
      byte[] utf8 = entry.message().getBytes(StandardCharsets.UTF_8);
      long attributes = attributesSize(entry.messageAttributes());
      if (alwaysOffload || utf8.length + attributes > threshold) {
        refuseRepeated(repeatedId);
        check(
            entry.messageStructure(),
            entry.messageAttributes(),
            attributes,
            utf8.length,
            entry.id(),
            threshold);
        offloads.add(
            new Offload(entry.id(), utf8, namedKey(entry.messageAttributes(), entry.id())));
        total += attributes;
      } else {
        others.add(new Offload(entry.id(), utf8, namedKey(entry.messageAttributes(), entry.id())));
        total += utf8.length + attributes;
      }
    }
    // Pointers are small; count each at a generous 1 KiB with its marker.
    total += offloads.size() * 1024L;
    others.sort(Comparator.comparingInt((Offload offload) -> offload.utf8().length).reversed());
    for (Offload other : others) {
      if (total <= batchLimit) {
        break;
      }
      refuseRepeated(repeatedId);
      PublishBatchRequestEntry entry = entry(request, other.entryId());
      check(entry.messageStructure(), entry.messageAttributes(), -1, 0, entry.id(), threshold);
      offloads.add(other);
      total -= other.utf8().length - 1024L;
    }
    refuseSharedNamedKeys(offloads);
    return offloads;
  }

  /**
   * Refuses a batch in which two offloaded entries name the same key ({@code S3Key}), before
   * anything is stored: both payloads would go to one object, and one entry's subscribers would
   * read the other entry's body.
   */
  private static void refuseSharedNamedKeys(List<Offload> offloads) {
    Map<String, String> entryByKey = new HashMap<>();
    for (Offload offload : offloads) {
      if (offload.namedKey == null) {
        continue;
      }
      String earlier = entryByKey.putIfAbsent(offload.namedKey, offload.entryId());
      if (earlier != null) {
        throw new ExtendedClientException(
            "batch entries "
                + earlier
                + " and "
                + offload.entryId()
                + " both name the object key '"
                + offload.namedKey
                + "' (S3Key): one object cannot hold both payloads; nothing was stored or"
                + " published");
      }
    }
  }

  /** The first entry id that repeats, or null when they are distinct. */
  private static String repeatedId(List<PublishBatchRequestEntry> entries) {
    Set<String> seen = new HashSet<>();
    for (PublishBatchRequestEntry entry : entries) {
      if (!seen.add(entry.id())) {
        return entry.id();
      }
    }
    return null;
  }

  /**
   * Refuses a batch whose entry ids repeat before any payload is stored for it, with the error SNS
   * gives (so a caller's handling stays the same), naming the repeated id: payloads are kept by
   * entry id, so one would be orphaned and the other published for both entries.
   */
  private static void refuseRepeated(String repeatedId) {
    if (repeatedId != null) {
      throw BatchEntryIdsNotDistinctException.builder()
          .message(
              "Two or more batch entries in the request have the same Id: '"
                  + repeatedId
                  + "' (refused by sqsx before storing any payload)")
          .statusCode(400)
          .awsErrorDetails(
              AwsErrorDetails.builder()
                  .errorCode("BatchEntryIdsNotDistinct")
                  .serviceName("Sns")
                  .build())
          .build();
    }
  }

  /** The request with the pointer as its message and the marker added. */
  PublishRequest pointerRequest(PublishRequest request, PayloadPointer pointer, int utf8Length) {
    return request.toBuilder()
        .message(ExtendedMessages.pointerBody(pointer))
        .messageAttributes(withMarker(request.messageAttributes(), utf8Length))
        .build();
  }

  /** The batch with each offloaded entry's message replaced by its pointer. */
  PublishBatchRequest pointerBatch(
      PublishBatchRequest request,
      Map<String, PayloadPointer> pointers,
      Map<String, Integer> sizes) {
    List<PublishBatchRequestEntry> entries = new ArrayList<>();
    for (PublishBatchRequestEntry entry : request.publishBatchRequestEntries()) {
      PayloadPointer pointer = pointers.get(entry.id());
      entries.add(
          pointer == null
              ? entry
              : entry.toBuilder()
                  .message(ExtendedMessages.pointerBody(pointer))
                  .messageAttributes(withMarker(entry.messageAttributes(), sizes.get(entry.id())))
                  .build());
    }
    return request.toBuilder().publishBatchRequestEntries(entries).build();
  }

  /** Stores the payload: under the key its sender named, else under a new one. */
  PayloadPointer store(Offload offload) {
    return offload.namedKey == null
        ? store.storeUtf8(offload.utf8, null)
        : store.storeUtf8Named(offload.utf8, offload.namedKey);
  }

  /** {@link #store} without blocking; every failure is a failed future. */
  CompletableFuture<PayloadPointer> storeAsync(Offload offload) {
    try {
      return offload.namedKey == null
          ? store.storeUtf8Async(offload.utf8, null)
          : store.storeUtf8NamedAsync(offload.utf8, offload.namedKey);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * After a publish call that failed: the payload is deleted only when SNS certainly refused it
   * (the payload-lifetime rule: a 4xx answer to the only attempt) and no other publication may
   * point at it. After a 5xx, no answer, or an answer after the SDK's own retries, the publish may
   * have happened: the payload stays (the bucket's lifecycle rule removes it) and a WARN names it.
   * A delete that fails is added to {@code failure}.
   */
  void afterFailedPublish(Offload offload, PayloadPointer pointer, Throwable failure) {
    if (PayloadLifetime.definitelyRefused(failure)) {
      deleteUnpublished(offload, pointer, failure);
    } else {
      keep(offload, pointer, failure);
    }
  }

  /**
   * Deletes the payload of a message that was certainly not published (a batch entry SNS reports
   * failed, or a batch whose store failed before the publish), unless its sender named the key
   * ({@code S3Key}): another publication may point at that object. A delete that fails is added to
   * {@code failure} (or, without one, logged with the pointer).
   */
  void deleteUnpublished(Offload offload, PayloadPointer pointer, Throwable failure) {
    if (!PayloadLifetime.mayDeleteUnsent(null, offload.shared())) {
      keep(offload, pointer, failure);
      return;
    }
    try {
      store.delete(pointer);
    } catch (RuntimeException e) {
      if (failure != null) {
        failure.addSuppressed(e);
      } else {
        LOG.warn(
            "could not delete payload {} of an unpublished message: {}", pointer, e.toString());
      }
    }
  }

  /** {@link #afterFailedPublish} without blocking: a delete that fails is logged. */
  void afterFailedPublishAsync(Offload offload, PayloadPointer pointer, Throwable failure) {
    if (PayloadLifetime.definitelyRefused(failure)) {
      deleteUnpublishedAsync(offload, pointer);
    } else {
      keep(offload, pointer, failure);
    }
  }

  /** {@link #deleteUnpublished} without blocking: a delete that fails is logged. */
  void deleteUnpublishedAsync(Offload offload, PayloadPointer pointer) {
    if (!PayloadLifetime.mayDeleteUnsent(null, offload.shared())) {
      keep(offload, pointer, null);
      return;
    }
    CompletableFuture<Void> deleted;
    try {
      deleted = store.deleteAsync(pointer);
    } catch (RuntimeException e) {
      deleted = CompletableFuture.failedFuture(e);
    }
    var unused =
        deleted.whenComplete(
            (done, error) -> {
              if (error != null) {
                LOG.warn(
                    "could not delete payload {} of an unpublished message: {}",
                    pointer,
                    error.toString());
              }
            });
  }

  private static void keep(Offload offload, PayloadPointer pointer, Throwable failure) {
    if (offload.shared()) {
      LOG.warn(
          "publish of an offloaded message was not made ({}); its payload {} is kept: it is"
              + " stored under the key its sender named (S3Key), which another publication may"
              + " point at",
          failure == null ? "not published" : failure.toString(),
          pointer);
    } else {
      LOG.warn(
          "publish of an offloaded message failed with an unknown outcome ({}); its payload {} is"
              + " kept in case it was published",
          String.valueOf(failure),
          pointer);
    }
  }

  /** The failure of a payload store call, as the publisher's exception. */
  static ExtendedClientException storeFailed(Throwable cause) {
    return new ExtendedClientException(
        "cannot offload SNS message payload, nothing was published", null, null, null, cause);
  }

  private Map<String, MessageAttributeValue> withMarker(
      Map<String, MessageAttributeValue> attributes, int utf8Length) {
    Map<String, MessageAttributeValue> withMarker = new HashMap<>(attributes);
    withMarker.put(
        marker,
        MessageAttributeValue.builder()
            .dataType("Number")
            .stringValue(Integer.toString(utf8Length))
            .build());
    return withMarker;
  }

  /**
   * Refuses what cannot be offloaded, before anything is stored. With {@code attributesSize} of 0
   * or more (a message over the threshold), also AWS's SNS extended client's size rule: the
   * attributes with the marker that will be added must not exceed the threshold; -1 skips it (an
   * entry offloaded only to make its batch fit).
   */
  private void check(
      String structure,
      Map<String, MessageAttributeValue> attributes,
      long attributesSize,
      int payloadLength,
      String entryId,
      long threshold) {
    String where = entryId == null ? "" : " (batch entry " + entryId + ")";
    if ("json".equals(structure)) {
      throw new ExtendedClientException(
          "an SNS message with MessageStructure json (one message per protocol) cannot be"
              + " offloaded"
              + where
              + ": publish it below the threshold, or without json structure");
    }
    if (attributes.containsKey(ExtendedMessages.MARKER)
        || attributes.containsKey(ExtendedMessages.LEGACY_MARKER)) {
      throw new ExtendedClientException(
          "message attribute " + marker + " is reserved for the payload size" + where);
    }
    if (attributes.size() > MAX_USER_ATTRIBUTES) {
      throw new ExtendedClientException(
          "an offloaded message may carry at most "
              + MAX_USER_ATTRIBUTES
              + " message attributes (SQS allows 10, one is the payload size marker), this one has "
              + attributes.size()
              + where);
    }
    long withMarker = attributesSize < 0 ? -1 : attributesSize + markerSize(payloadLength);
    if (withMarker > threshold) {
      throw new ExtendedClientException(
          "the message attributes with the payload size marker are "
              + withMarker
              + " bytes, over the threshold of "
              + threshold
              + where
              + ": put large data in the message body");
    }
  }

  /** What the marker adds to the attributes' size: its name, {@code Number} and the digits. */
  private long markerSize(int payloadLength) {
    return utf8Length(marker) + "Number".length() + Integer.toString(payloadLength).length();
  }

  /**
   * The key the sender named with the {@code S3Key} attribute, or null without one.
   *
   * @throws ExtendedClientException when the attribute is there without a string value
   */
  private static String namedKey(Map<String, MessageAttributeValue> attributes, String entryId) {
    MessageAttributeValue named = attributes.get(S3_KEY);
    if (named == null) {
      return null;
    }
    if (named.stringValue() == null || named.stringValue().isEmpty()) {
      throw new ExtendedClientException(
          "message attribute "
              + S3_KEY
              + " names the payload's object key, but has no string value"
              + (entryId == null ? "" : " (batch entry " + entryId + ")"));
    }
    return named.stringValue();
  }

  private static PublishBatchRequestEntry entry(PublishBatchRequest request, String id) {
    for (PublishBatchRequestEntry entry : request.publishBatchRequestEntries()) {
      if (id.equals(entry.id())) {
        return entry;
      }
    }
    throw new IllegalStateException("no batch entry " + id);
  }

  /** Name, data type and value bytes of every attribute: what SNS and SQS count. */
  static long attributesSize(Map<String, MessageAttributeValue> attributes) {
    long size = 0;
    for (Map.Entry<String, MessageAttributeValue> attribute : attributes.entrySet()) {
      MessageAttributeValue value = attribute.getValue();
      size += utf8Length(attribute.getKey()) + utf8Length(value.dataType());
      size +=
          value.binaryValue() != null
              ? value.binaryValue().asByteArrayUnsafe().length
              : utf8Length(value.stringValue());
    }
    return size;
  }

  private static long utf8Length(String value) {
    return value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length;
  }
}
