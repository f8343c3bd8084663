/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.Futures;
import dev.sqsx.extended.internal.Injection;
import dev.sqsx.extended.internal.Markers;
import dev.sqsx.extended.internal.Offloading;
import dev.sqsx.extended.internal.QueueSizeLimits;
import dev.sqsx.extended.internal.QueueTraits;
import dev.sqsx.extended.internal.SendAttempts;
import dev.sqsx.extended.internal.Settings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * The send half of the offloading pipeline, shared by both extended clients: plan (offload or not),
 * store, send the pointer, retry, and clean up what no message points to.
 *
 * <p>An offloaded send goes out with the SDK's retries off and is retried here (see {@link
 * SendAttempts}): refused and retryable → the same payload again; outcome unknown and retryable → a
 * fresh payload (the last one is kept: a message may point to it); refused for good → the payload
 * is deleted. Every failure is a failed future; nothing here throws.
 */
final class SendPipeline {

  private static final Logger LOG = LoggerFactory.getLogger(SendPipeline.class);

  private final SqsPort port;
  private final Offloading rules;
  private final QueueTraits queues = new QueueTraits();
  private final Injection injection;

  /** Each queue's {@code MaximumMessageSize}, for the {@code auto} threshold; null when fixed. */
  private final QueueSizeLimits limits;

  SendPipeline(SqsPort port, Offloading rules, AttributeInjector injector) {
    this.port = port;
    this.rules = rules;
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

  CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest original) {
    return Futures.guarded(
        () -> {
          SendMessageRequest injected = injected(original);
          String queueUrl = injected.queueUrl();
          long size = sizeToDecide(injected.messageBody(), injected.messageAttributes());
          return threshold(queueUrl, size)
              .thenCompose(threshold -> send(original, injected, threshold));
        });
  }

  private CompletableFuture<SendMessageResponse> send(
      SendMessageRequest original, SendMessageRequest injected, long threshold) {
    if (!rules.mustOffload(injected.messageBody(), injected.messageAttributes(), threshold)) {
      return port.sendMessage(injected);
    }
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
    return needsContentDeduplicationId(queueUrl, request.messageDeduplicationId())
        .thenCompose(
            dedup -> {
              String stableKey =
                  Offloading.stableKey(
                      queueUrl,
                      request.messageDeduplicationId(),
                      dedup,
                      request.messageBody(),
                      System.currentTimeMillis());
              // encoded once: the store writes these bytes, the marker carries their length
              byte[] utf8 = request.messageBody().getBytes(StandardCharsets.UTF_8);
              return store(queueUrl, utf8, stableKey)
                  .thenCompose(pointer -> sendAttempt(request, utf8, pointer, dedup, stableKey, 1));
            });
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
  private static long sizeToDecide(String body, Map<String, MessageAttributeValue> attributes) {
    if (body != null && body.length() > QueueSizeLimits.MAXIMUM) {
      return body.length();
    }
    return Markers.messageSize(body, attributes);
  }

  /**
   * The threshold for messages of up to {@code largest} bytes to {@code queueUrl}: the fixed one,
   * or (auto) the queue's {@code MaximumMessageSize} — read only when it can change the decision: a
   * message of up to 1,024 bytes fits every queue, one over 1,048,576 none.
   */
  private CompletableFuture<Long> threshold(String queueUrl, long largest) {
    Settings settings = rules.settings();
    if (limits == null) {
      return CompletableFuture.completedFuture((long) settings.payloadSizeThreshold());
    }
    if (!settings.payloadSupportEnabled()
        || settings.alwaysOffload()
        || largest <= QueueSizeLimits.MINIMUM
        || largest > QueueSizeLimits.MAXIMUM) {
      return CompletableFuture.completedFuture((long) QueueSizeLimits.MAXIMUM);
    }
    return limits.limitOf(queueUrl).thenApply(Integer::longValue);
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

  private CompletableFuture<SendMessageResponse> sendAttempt(
      SendMessageRequest request,
      byte[] utf8,
      PayloadPointer pointer,
      boolean dedup,
      String stableKey,
      int attempt) {
    String queueUrl = request.queueUrl();
    return Futures.afterwards(
        Futures.guarded(
            () -> port.sendMessage(rules.pointerRequest(request, pointer, utf8.length, dedup))),
        (response, error) -> {
          if (error == null) {
            return CompletableFuture.completedFuture(response);
          }
          boolean again = attempt < port.maxAttempts() && SendAttempts.retryable(error);
          if (PayloadLifetime.definitelyRefused(error)) {
            if (!again) {
              if (!PayloadLifetime.mayDeleteUnsent(error, stableKey != null)) {
                Failures.logSharedPayloadKept(LOG, queueUrl, pointer, error);
                return CompletableFuture.<SendMessageResponse>failedFuture(error);
              }
              return deleteUnsent(queueUrl, List.of(pointer), error)
                  .<SendMessageResponse>thenCompose(done -> CompletableFuture.failedFuture(error));
            }
            // refused (throttled): nothing was enqueued, the same payload goes again
            return pause(queueUrl, attempt, error)
                .thenCompose(
                    done -> sendAttempt(request, utf8, pointer, dedup, stableKey, attempt + 1));
          }
          Failures.logPayloadKept(LOG, queueUrl, pointer, error);
          if (!again) {
            return CompletableFuture.<SendMessageResponse>failedFuture(error);
          }
          // it may be enqueued, pointing at this payload: the next attempt gets its own
          return pause(queueUrl, attempt, error)
              .thenCompose(done -> store(queueUrl, utf8, stableKey))
              .thenCompose(next -> sendAttempt(request, utf8, next, dedup, stableKey, attempt + 1));
        });
  }

  /**
   * The request with the injector's attributes (on the caller's thread: its context is current),
   * unless an offloaded message would leave no room for the size marker.
   */
  private SendMessageRequest injected(SendMessageRequest request) {
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
  private static final class InjectedBatch {
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
  private InjectedBatch injected(SendMessageBatchRequest request) {
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

  CompletableFuture<SendMessageBatchResponse> sendMessageBatch(SendMessageBatchRequest original) {
    return Futures.guarded(
        () -> {
          InjectedBatch injected = injected(original);
          long largest = 0;
          for (SendMessageBatchRequestEntry entry : injected.entries()) {
            largest =
                Math.max(largest, sizeToDecide(entry.messageBody(), entry.messageAttributes()));
          }
          return threshold(original.queueUrl(), largest)
              .thenCompose(threshold -> sendBatch(injected, threshold));
        });
  }

  private CompletableFuture<SendMessageBatchResponse> sendBatch(
      InjectedBatch injected, long threshold) {
    String queueUrl = injected.original().queueUrl();
    // auto: an entry that does not fit its queue even offloaded fails alone, before any store
    Map<Integer, BatchResultErrorEntry> unfit = unfit(injected, threshold);
    SendMessageBatchRequest request = withRoomForMarkers(injected, threshold, unfit.keySet());
    if (!unfit.isEmpty()) {
      List<SendMessageBatchRequestEntry> fitting = new ArrayList<>();
      for (int i = 0; i < request.entries().size(); i++) {
        if (!unfit.containsKey(i)) {
          fitting.add(request.entries().get(i));
        }
      }
      if (fitting.isEmpty()) {
        return CompletableFuture.completedFuture(
            SendMessageBatchResponse.builder().failed(unfit.values()).build());
      }
      request = request.toBuilder().entries(fitting).build();
    }
    List<SendMessageBatchRequestEntry> entries = request.entries();
    List<Integer> plan = rules.batchOffloadPlan(entries, threshold, Set.of());
    CompletableFuture<SendMessageBatchResponse> sent;
    if (plan.isEmpty()) {
      sent = port.sendMessageBatch(request);
    } else {
      Offloading.requireDistinctIds(entries);
      for (int index : plan) {
        rules.checkRoomForMarker(queueUrl, entries.get(index).messageAttributes());
      }
      SendMessageBatchRequest planned = request;
      sent =
          needsContentDeduplicationId(queueUrl, null)
              .thenCompose(
                  dedup -> {
                    Batch batch = Batch.of(planned, plan, dedup);
                    return storeBatch(batch).thenCompose(stored -> batchAttempt(batch, stored, 1));
                  });
    }
    if (unfit.isEmpty()) {
      return sent;
    }
    return sent.thenApply(
        response -> {
          List<BatchResultErrorEntry> failed = new ArrayList<>(response.failed());
          failed.addAll(unfit.values());
          return response.toBuilder().failed(failed).build();
        });
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
    Map<Integer, BatchResultErrorEntry> unfit = new java.util.LinkedHashMap<>();
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

  /** The code of a batch entry refused because it cannot fit its queue even offloaded. */
  static final String MESSAGE_TOO_LONG = "MessageTooLong";

  /**
   * A batch with offloaded entries: the planned entries' bodies encoded once (stored as they are,
   * their lengths in the markers), whatever the attempts.
   */
  private record Batch(
      SendMessageBatchRequest request,
      List<Integer> plan,
      boolean dedup,
      Map<String, byte[]> utf8,
      Map<String, Integer> utf8Lengths) {

    static Batch of(SendMessageBatchRequest request, List<Integer> plan, boolean dedup) {
      Map<String, byte[]> utf8 = new java.util.HashMap<>();
      Map<String, Integer> lengths = new java.util.HashMap<>();
      for (int index : plan) {
        SendMessageBatchRequestEntry entry = request.entries().get(index);
        byte[] bytes = entry.messageBody().getBytes(StandardCharsets.UTF_8);
        utf8.put(entry.id(), bytes);
        lengths.put(entry.id(), bytes.length);
      }
      return new Batch(request, plan, dedup, utf8, lengths);
    }

    /**
     * The payloads of {@code stored} (entry id → pointer) that the payload-lifetime rule lets go
     * after {@code error} (null: a per-entry refusal); the others are kept and logged. A FIFO
     * entry's payload is under a stable key another send may share, so it is always kept.
     */
    List<PayloadPointer> unshared(Map<String, PayloadPointer> stored, Throwable error) {
      boolean fifo = Offloading.isFifo(request.queueUrl());
      List<PayloadPointer> unshared = new ArrayList<>();
      for (SendMessageBatchRequestEntry entry : request.entries()) {
        PayloadPointer pointer = stored.get(entry.id());
        if (pointer == null) {
          continue;
        }
        boolean stable = fifo && (dedup || entry.messageDeduplicationId() != null);
        if (PayloadLifetime.mayDeleteUnsent(error, stable)) {
          unshared.add(pointer);
        } else {
          Failures.logSharedPayloadKept(LOG, request.queueUrl(), pointer, error);
        }
      }
      return unshared;
    }
  }

  /** One attempt of a batch with offloaded entries; the same rules as {@link #sendAttempt}. */
  private CompletableFuture<SendMessageBatchResponse> batchAttempt(
      Batch batch, Map<String, PayloadPointer> stored, int attempt) {
    String queueUrl = batch.request().queueUrl();
    return Futures.afterwards(
        Futures.guarded(
            () ->
                port.sendMessageBatch(
                    rules.pointerBatch(
                        batch.request(),
                        batch.plan(),
                        stored,
                        batch.utf8Lengths(),
                        batch.dedup()))),
        (response, error) -> {
          if (error == null) {
            return deleteFailedEntries(batch, response, stored);
          }
          boolean again = attempt < port.maxAttempts() && SendAttempts.retryable(error);
          if (PayloadLifetime.definitelyRefused(error)) {
            if (!again) {
              return deleteUnsent(queueUrl, batch.unshared(stored, error), error)
                  .<SendMessageBatchResponse>thenCompose(
                      done -> CompletableFuture.failedFuture(error));
            }
            return pause(queueUrl, attempt, error)
                .thenCompose(done -> batchAttempt(batch, stored, attempt + 1));
          }
          stored
              .values()
              .forEach(pointer -> Failures.logPayloadKept(LOG, queueUrl, pointer, error));
          if (!again) {
            return CompletableFuture.<SendMessageBatchResponse>failedFuture(error);
          }
          return pause(queueUrl, attempt, error)
              .thenCompose(done -> storeBatch(batch))
              .thenCompose(next -> batchAttempt(batch, next, attempt + 1));
        });
  }

  /**
   * Stores the planned entries' payloads (in parallel on the asynchronous client); when one fails,
   * no further store starts and the ones stored are deleted (nothing was sent).
   */
  private CompletableFuture<Map<String, PayloadPointer>> storeBatch(Batch batch) {
    SendMessageBatchRequest request = batch.request();
    String queueUrl = request.queueUrl();
    long now = System.currentTimeMillis();
    Map<String, PayloadPointer> stored = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> stores = new ArrayList<>();
    for (int index : batch.plan()) {
      SendMessageBatchRequestEntry entry = request.entries().get(index);
      String stableKey =
          Offloading.stableKey(
              queueUrl, entry.messageDeduplicationId(), batch.dedup(), entry.messageBody(), now);
      CompletableFuture<?> stored1 =
          store(queueUrl, batch.utf8().get(entry.id()), stableKey)
              .thenAccept(pointer -> stored.put(entry.id(), pointer));
      stores.add(stored1);
      if (stored1.isCompletedExceptionally()) {
        break; // already failed (the blocking client): storing the rest is wasted work
      }
    }
    return Futures.afterwards(
        CompletableFuture.allOf(stores.toArray(CompletableFuture[]::new)),
        (ignored, storeError) -> {
          if (storeError != null) {
            return deleteUnsent(queueUrl, batch.unshared(stored, null), storeError)
                .<Map<String, PayloadPointer>>thenCompose(
                    done -> CompletableFuture.failedFuture(storeError));
          }
          return CompletableFuture.completedFuture(stored);
        });
  }

  private CompletableFuture<SendMessageBatchResponse> deleteFailedEntries(
      Batch batch, SendMessageBatchResponse response, Map<String, PayloadPointer> stored) {
    Map<String, PayloadPointer> refused = new java.util.HashMap<>();
    for (BatchResultErrorEntry failed : response.failed()) {
      PayloadPointer pointer = stored.get(failed.id());
      if (pointer != null) {
        refused.put(failed.id(), pointer);
      }
    }
    return deleteUnsent(batch.request().queueUrl(), batch.unshared(refused, null), null)
        .thenApply(done -> response);
  }

  private CompletableFuture<Void> pause(String queueUrl, int attempt, Throwable lastError) {
    return port.pause(queueUrl, SendAttempts.delayMillis(attempt + 1), lastError);
  }

  private CompletableFuture<PayloadPointer> store(String queueUrl, byte[] utf8, String stableKey) {
    return port.store(utf8, stableKey)
        .handle(
            (pointer, error) -> {
              if (error != null) {
                Throwable cause = Futures.unwrap(error);
                throw new ExtendedClientException(
                    "cannot offload message payload, nothing was sent: " + cause.getMessage(),
                    queueUrl,
                    null,
                    null,
                    cause);
              }
              return pointer;
            });
  }

  private CompletableFuture<Boolean> needsContentDeduplicationId(
      String queueUrl, String deduplicationId) {
    if (deduplicationId != null || !Offloading.isFifo(queueUrl)) {
      return CompletableFuture.completedFuture(false);
    }
    return queues
        .contentBasedDeduplication(queueUrl)
        .map(CompletableFuture::completedFuture)
        .orElseGet(
            () ->
                port.getQueueAttributes(
                        GetQueueAttributesRequest.builder()
                            .queueUrl(queueUrl)
                            .attributeNames(QueueAttributeName.CONTENT_BASED_DEDUPLICATION)
                            .build())
                    .thenApply(
                        response ->
                            queues.remember(
                                queueUrl,
                                response
                                    .attributes()
                                    .get(QueueAttributeName.CONTENT_BASED_DEDUPLICATION))));
  }

  /**
   * Deletes payloads of messages that were not sent; never fails. A deletion that fails is logged
   * and, when there is one, added to the send's error as suppressed.
   */
  private CompletableFuture<Void> deleteUnsent(
      String queueUrl, Collection<PayloadPointer> pointers, Throwable sendError) {
    List<CompletableFuture<?>> deletes = new ArrayList<>();
    for (PayloadPointer pointer : List.copyOf(pointers)) {
      deletes.add(
          port.delete(pointer)
              .exceptionally(
                  error -> {
                    Throwable cause = Futures.unwrap(error);
                    if (sendError != null) {
                      sendError.addSuppressed(cause);
                    }
                    LOG.warn(
                        "send to {} failed and its stored payload {} could not be deleted: {}",
                        queueUrl,
                        pointer,
                        cause.toString());
                    return null;
                  }));
    }
    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
  }
}
