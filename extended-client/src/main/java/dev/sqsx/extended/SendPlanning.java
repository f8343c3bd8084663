/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.Injection;
import dev.sqsx.extended.internal.Markers;
import dev.sqsx.extended.internal.Offloading;
import dev.sqsx.extended.internal.QueueSizeLimits;
import dev.sqsx.extended.internal.QueueTraits;
import dev.sqsx.extended.internal.Settings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * What a send puts on the wire before anything is stored, for {@link SendPipeline}: the injector's
 * attributes (on the caller's thread), the threshold — fixed, or ({@code auto}) the target queue's
 * {@code MaximumMessageSize}, read once per queue — and what cannot fit the queue even offloaded.
 * Nothing here stores or sends a message.
 */
final class SendPlanning {

  /** The code of a batch entry refused because it cannot fit its queue even offloaded. */
  static final String MESSAGE_TOO_LONG = "MessageTooLong";

  private final SqsPort port;
  private final Offloading rules;
  private final QueueTraits queues;
  private final Injection injection;

  /** Each queue's {@code MaximumMessageSize}, for the {@code auto} threshold; null when fixed. */
  private final QueueSizeLimits limits;

  SendPlanning(SqsPort port, Offloading rules, QueueTraits queues, AttributeInjector injector) {
    this.port = port;
    this.rules = rules;
    this.queues = queues;
    this.injection = injector == null ? null : new Injection(injector);
    Settings settings = rules.settings();
    this.limits =
        settings.autoThreshold()
            ? new QueueSizeLimits(
                "queue",
                this::readMaximumMessageSize,
                settings.maximumMessageSizeRefresh(),
                System::nanoTime)
            : null;
  }

  /**
   * The request to offload at {@code threshold}: the injected one, or the original when the
   * injector's additions leave no room for the size marker.
   *
   * @throws ExtendedClientException when it cannot carry the marker, or (auto) cannot fit its queue
   *     even offloaded: before anything is stored
   */
  SendMessageRequest toOffload(
      SendMessageRequest original, SendMessageRequest injected, long threshold) {
    String queueUrl = injected.queueUrl();
    SendMessageRequest request = withRoomForMarker(original, injected);
    rules.checkRoomForMarker(queueUrl, request.messageAttributes());
    if (limits != null && !Offloading.fitsWhenOffloaded(request.messageAttributes(), threshold)) {
      throw new ExtendedClientException(
          "the message's attributes take "
              + Markers.messageSize(null, request.messageAttributes())
              + " bytes: with the payload pointer and size marker ("
              + Offloading.offloadedSizeAtLeast(request.messageAttributes())
              + " bytes at least) it does not fit the queue's MaximumMessageSize of "
              + threshold
              + " bytes even offloaded; nothing was stored or sent",
          queueUrl,
          null,
          null,
          null);
    }
    return request;
  }

  /**
   * A batch ready to plan at {@code threshold}: the entries that can go (null when none can), and
   * the failed entries of those that cannot fit their queue even offloaded.
   */
  record Fitted(SendMessageBatchRequest request, Collection<BatchResultErrorEntry> unfit) {

    /** SQS's answer for the entries sent, with the unfit ones added as failed. */
    SendMessageBatchResponse withUnfit(SendMessageBatchResponse response) {
      if (unfit.isEmpty()) {
        return response;
      }
      List<BatchResultErrorEntry> failed = new ArrayList<>(response.failed());
      failed.addAll(unfit);
      return response.toBuilder().failed(failed).build();
    }
  }

  /**
   * The injected batch at {@code threshold}: with room for the markers of the entries it offloads,
   * without the entries that cannot fit their queue even offloaded (auto), which fail alone.
   */
  Fitted fit(InjectedBatch injected, long threshold) {
    Map<Integer, BatchResultErrorEntry> unfit = unfit(injected, threshold);
    SendMessageBatchRequest request = withRoomForMarkers(injected, threshold, unfit.keySet());
    if (unfit.isEmpty()) {
      return new Fitted(request, List.of());
    }
    List<SendMessageBatchRequestEntry> fitting = new ArrayList<>();
    for (int i = 0; i < request.entries().size(); i++) {
      if (!unfit.containsKey(i)) {
        fitting.add(request.entries().get(i));
      }
    }
    return new Fitted(
        fitting.isEmpty() ? null : request.toBuilder().entries(fitting).build(), unfit.values());
  }

  /**
   * The injected request, or the original when the injector's additions left no room for the size
   * marker of a message that is offloaded after all (its queue's limit was not known when they were
   * made); the injector is told.
   */
  private SendMessageRequest withRoomForMarker(
      SendMessageRequest original, SendMessageRequest injected) {
    if (injected.messageAttributes() == original.messageAttributes()
        || injected.messageAttributes().size() < Markers.MAX_ATTRIBUTES
        || original.messageAttributes().size() >= Markers.MAX_ATTRIBUTES) {
      return injected;
    }
    List<String> names = new ArrayList<>(injected.messageAttributes().keySet());
    names.removeAll(original.messageAttributes().keySet());
    injection.skipped(original.queueUrl(), original.messageAttributes(), names);
    return original;
  }

  /**
   * The size SQS counts for a message, or more than the largest queue limit without counting when
   * its body alone has more characters.
   */
  static long sizeToDecide(String body, Map<String, MessageAttributeValue> attributes) {
    if (body != null && body.length() > QueueSizeLimits.MAXIMUM) {
      return body.length();
    }
    return Markers.messageSize(body, attributes);
  }

  /**
   * Whether a message of {@code size} bytes (as {@link #sizeToDecide} counts it) is offloaded or
   * not depending on its queue's limit: a message of up to 1,024 bytes fits every queue, one over
   * 1,048,576 none.
   */
  static boolean limitMatters(long size) {
    return size > QueueSizeLimits.MINIMUM && size <= QueueSizeLimits.MAXIMUM;
  }

  /** Whether any entry of the batch depends on its queue's limit ({@link #limitMatters}). */
  static boolean limitMatters(InjectedBatch injected) {
    for (SendMessageBatchRequestEntry entry : injected.entries()) {
      if (limitMatters(sizeToDecide(entry.messageBody(), entry.messageAttributes()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The threshold for a send to {@code queueUrl}: the fixed one, or (auto) the queue's {@code
   * MaximumMessageSize} — read only when {@code limitMatters} for one of its messages; otherwise
   * 1,048,576, which decides the same.
   */
  CompletableFuture<Long> threshold(String queueUrl, boolean limitMatters) {
    Settings settings = rules.settings();
    if (limits == null) {
      return CompletableFuture.completedFuture((long) settings.payloadSizeThreshold());
    }
    if (!settings.payloadSupportEnabled() || settings.alwaysOffload() || !limitMatters) {
      return CompletableFuture.completedFuture((long) QueueSizeLimits.MAXIMUM);
    }
    return limits.limitOf(queueUrl).thenApply(Integer::longValue);
  }

  /** Whether the threshold is {@code auto}: each queue's own limit. */
  boolean auto() {
    return limits != null;
  }

  /**
   * The threshold to try again with after {@code queueUrl} refused a message planned at {@code
   * used} as too long ({@link #refusedForSize}): the queue's limit read again when the kept one was
   * {@code used} and is now lower; else empty (nothing to gain by sending again).
   */
  CompletableFuture<OptionalLong> lowerThreshold(String queueUrl, long used) {
    if (limits == null || !limits.forget(queueUrl, used)) {
      return CompletableFuture.completedFuture(OptionalLong.empty());
    }
    return limits
        .limitOf(queueUrl)
        .thenApply(fresh -> fresh < used ? OptionalLong.of(fresh) : OptionalLong.empty());
  }

  /**
   * Whether SQS refused a send (or a batch entry) because a message is over the queue's {@code
   * MaximumMessageSize}: {@code InvalidParameterValue} or {@code MessageTooLong} saying the message
   * "must be shorter than" its limit. Nothing was enqueued.
   */
  static boolean refusedForSize(Throwable error) {
    return error instanceof SqsException sqs
        && sqs.statusCode() == 400
        && sqs.awsErrorDetails() != null
        && refusedForSize(sqs.awsErrorDetails().errorCode(), sqs.getMessage());
  }

  /** Whether a failed batch entry was refused for its size (see {@link #refusedForSize}). */
  static boolean refusedForSize(BatchResultErrorEntry failed) {
    return refusedForSize(failed.code(), failed.message());
  }

  private static boolean refusedForSize(String code, String message) {
    return ("InvalidParameterValue".equals(code)
            || "MessageTooLong".equals(code)
            || "AWS.SimpleQueueService.MessageTooLong".equals(code))
        && message != null
        && message.contains("must be shorter than");
  }

  /**
   * The threshold to plan with before the queue's limit is read (the injector runs first, on the
   * caller's thread): the limit known, else the fallback.
   */
  private long expectedThreshold(String queueUrl) {
    if (limits == null) {
      return rules.settings().payloadSizeThreshold();
    }
    return limits.known(queueUrl).orElse(QueueSizeLimits.FALLBACK);
  }

  /** Reads a queue's {@code MaximumMessageSize} (and, for FIFO, content-based deduplication). */
  private CompletableFuture<String> readMaximumMessageSize(String queueUrl) {
    boolean fifo = Offloading.isFifo(queueUrl);
    GetQueueAttributesRequest.Builder request =
        GetQueueAttributesRequest.builder().queueUrl(queueUrl);
    if (fifo && queues.contentBasedDeduplication(queueUrl).isEmpty()) {
      request.attributeNames(
          QueueAttributeName.MAXIMUM_MESSAGE_SIZE, QueueAttributeName.CONTENT_BASED_DEDUPLICATION);
    } else {
      request.attributeNames(QueueAttributeName.MAXIMUM_MESSAGE_SIZE);
    }
    return port.getQueueAttributes(request.build())
        .thenApply(
            response -> {
              Map<QueueAttributeName, String> attributes = response.attributes();
              if (fifo && attributes.containsKey(QueueAttributeName.CONTENT_BASED_DEDUPLICATION)) {
                queues.remember(
                    queueUrl, attributes.get(QueueAttributeName.CONTENT_BASED_DEDUPLICATION));
              }
              return attributes.get(QueueAttributeName.MAXIMUM_MESSAGE_SIZE);
            });
  }

  /**
   * The request with the injector's attributes (on the caller's thread: its context is current),
   * unless an offloaded message would leave no room for the size marker.
   */
  SendMessageRequest injected(SendMessageRequest request) {
    if (injection == null) {
      return request;
    }
    long threshold = expectedThreshold(request.queueUrl());
    Map<String, MessageAttributeValue> attributes =
        injection.apply(
            request.queueUrl(),
            request.messageAttributes(),
            roomForMarker(request.messageBody(), threshold));
    return attributes == request.messageAttributes()
        ? request
        : request.toBuilder().messageAttributes(attributes).build();
  }

  /**
   * Whether a message with {@code body} may carry these attributes: fewer than 10, or not offloaded
   * (an offloaded one needs the 10th for its size marker).
   */
  private Predicate<Map<String, MessageAttributeValue>> roomForMarker(String body, long threshold) {
    return attributes ->
        attributes.size() < Markers.MAX_ATTRIBUTES
            || !rules.mustOffload(body, attributes, threshold);
  }

  /** A batch with the injector's additions, and which entries got some. */
  static final class InjectedBatch {
    private final SendMessageBatchRequest original;
    private final List<SendMessageBatchRequestEntry> entries;
    private final boolean[] added;

    InjectedBatch(
        SendMessageBatchRequest original,
        List<SendMessageBatchRequestEntry> entries,
        boolean[] added) {
      this.original = original;
      this.entries = entries;
      this.added = added;
    }

    SendMessageBatchRequest original() {
      return original;
    }

    List<SendMessageBatchRequestEntry> entries() {
      return entries;
    }

    /** A copy: which entries got additions. */
    boolean[] added() {
      return added.clone();
    }

    /** The batch of only the entries whose ids are in {@code ids}, in their order. */
    InjectedBatch only(Set<String> ids) {
      List<SendMessageBatchRequestEntry> originals = new ArrayList<>();
      List<SendMessageBatchRequestEntry> kept = new ArrayList<>();
      List<Boolean> keptAdded = new ArrayList<>();
      for (int i = 0; i < entries.size(); i++) {
        if (ids.contains(entries.get(i).id())) {
          originals.add(original.entries().get(i));
          kept.add(entries.get(i));
          keptAdded.add(added[i]);
        }
      }
      boolean[] onlyAdded = new boolean[kept.size()];
      for (int i = 0; i < onlyAdded.length; i++) {
        onlyAdded[i] = keptAdded.get(i);
      }
      return new InjectedBatch(original.toBuilder().entries(originals).build(), kept, onlyAdded);
    }

    boolean changed() {
      for (boolean one : added) {
        if (one) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * The batch with the injector's attributes on each entry (on the caller's thread); an entry that
   * would be offloaded gets none when they would leave no room for its size marker.
   */
  InjectedBatch injected(SendMessageBatchRequest request) {
    List<SendMessageBatchRequestEntry> originals = request.entries();
    boolean[] added = new boolean[originals.size()];
    if (injection == null) {
      return new InjectedBatch(request, originals, added);
    }
    long threshold = expectedThreshold(request.queueUrl());
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(originals.size());
    for (SendMessageBatchRequestEntry entry : originals) {
      Map<String, MessageAttributeValue> attributes =
          injection.apply(
              request.queueUrl(),
              entry.messageAttributes(),
              roomForMarker(entry.messageBody(), threshold));
      added[entries.size()] = attributes != entry.messageAttributes();
      entries.add(
          attributes == entry.messageAttributes()
              ? entry
              : entry.toBuilder().messageAttributes(attributes).build());
    }
    return new InjectedBatch(request, entries, added);
  }

  /**
   * The injected batch, once the threshold is known: an entry offloaded (over the threshold, or to
   * make the batch fit) whose additions leave no room for its marker goes without them, and the
   * plan is made again (it can only shrink the batch).
   */
  private SendMessageBatchRequest withRoomForMarkers(
      InjectedBatch injected, long threshold, Set<Integer> skipped) {
    SendMessageBatchRequest request = injected.original();
    if (!injected.changed()) {
      return request;
    }
    List<SendMessageBatchRequestEntry> originals = request.entries();
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(injected.entries());
    boolean[] added = injected.added();
    boolean reverted = true;
    while (reverted) {
      reverted = false;
      for (int index : rules.batchOffloadPlan(entries, threshold, skipped)) {
        SendMessageBatchRequestEntry original = originals.get(index);
        if (added[index]
            && entries.get(index).messageAttributes().size() >= Markers.MAX_ATTRIBUTES) {
          added[index] = false;
          List<String> names = new ArrayList<>(entries.get(index).messageAttributes().keySet());
          names.removeAll(original.messageAttributes().keySet());
          entries.set(index, original);
          injection.skipped(request.queueUrl(), original.messageAttributes(), names);
          reverted = true;
        }
      }
    }
    return request.toBuilder().entries(entries).build();
  }

  /**
   * With the {@code auto} threshold: the entries (by position) whose attributes alone leave no room
   * for a pointer within the queue's limit, each as the failed entry it becomes (the sender's
   * fault, SQS's {@code MessageTooLong}-like answer, naming sizes and limit).
   */
  private Map<Integer, BatchResultErrorEntry> unfit(InjectedBatch injected, long threshold) {
    if (limits == null || !rules.settings().payloadSupportEnabled()) {
      return Map.of();
    }
    Map<Integer, BatchResultErrorEntry> unfit = new LinkedHashMap<>();
    List<SendMessageBatchRequestEntry> entries = injected.entries();
    for (int i = 0; i < entries.size(); i++) {
      SendMessageBatchRequestEntry entry = entries.get(i);
      long size = sizeToDecide(entry.messageBody(), entry.messageAttributes());
      if ((rules.settings().alwaysOffload() || size > threshold)
          && !Offloading.fitsWhenOffloaded(entry.messageAttributes(), threshold)) {
        unfit.put(
            i,
            BatchResultErrorEntry.builder()
                .id(entry.id())
                .senderFault(true)
                .code(MESSAGE_TOO_LONG)
                .message(
                    "entry "
                        + entry.id()
                        + " to "
                        + injected.original().queueUrl()
                        + ": its attributes take "
                        + Markers.messageSize(null, entry.messageAttributes())
                        + " bytes, so even offloaded it does not fit the queue's"
                        + " MaximumMessageSize of "
                        + threshold
                        + " bytes (refused by sqsx; nothing was stored or sent for it)")
                .build());
      }
    }
    return unfit;
  }
}
