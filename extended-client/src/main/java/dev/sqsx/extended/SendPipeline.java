/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.Compressing;
import dev.sqsx.extended.internal.Futures;
import dev.sqsx.extended.internal.Offloading;
import dev.sqsx.extended.internal.QueueTraits;
import dev.sqsx.extended.internal.SendAttempts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
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
  private final SendPlanning planning;
  private final Compressing compressing;

  SendPipeline(SqsPort port, Offloading rules, AttributeInjector injector) {
    this.port = port;
    this.rules = rules;
    this.compressing =
        new Compressing(rules.settings().compression(), rules.settings().compressionMinSize());
    this.planning = new SendPlanning(port, rules, queues, injector);
  }

  CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest request) {
    return Futures.guarded(
        () -> {
          // compressed first: the offloading decision counts the compressed body
          SendMessageRequest original = compressing.apply(request);
          SendMessageRequest injected = planning.injected(original);
          String queueUrl = injected.queueUrl();
          long size =
              SendPlanning.sizeToDecide(injected.messageBody(), injected.messageAttributes());
          return planning
              .threshold(queueUrl, SendPlanning.limitMatters(size))
              .thenCompose(threshold -> send(original, injected, threshold));
        });
  }

  private CompletableFuture<SendMessageResponse> send(
      SendMessageRequest original, SendMessageRequest injected, long threshold) {
    if (!rules.mustOffload(injected.messageBody(), injected.messageAttributes(), threshold)) {
      CompletableFuture<SendMessageResponse> sent =
          Futures.guarded(() -> port.sendMessage(injected));
      if (!planning.auto()) {
        return sent;
      }
      // auto: a queue whose limit was lowered since it was read refuses the message, and nothing
      // was enqueued; with the limit read again it goes offloaded
      return Futures.afterwards(
          sent,
          (response, error) -> {
            if (error == null) {
              return CompletableFuture.completedFuture(response);
            }
            if (!SendPlanning.refusedForSize(error)) {
              return CompletableFuture.<SendMessageResponse>failedFuture(error);
            }
            return planning
                .lowerThreshold(injected.queueUrl(), threshold)
                .thenCompose(
                    lower ->
                        lower.isPresent()
                            ? send(original, injected, lower.getAsLong())
                            : CompletableFuture.<SendMessageResponse>failedFuture(error));
          });
    }
    String queueUrl = injected.queueUrl();
    SendMessageRequest request = planning.toOffload(original, injected, threshold);
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
              // encoded once: the store writes these bytes, the marker carries their length (a
              // compressed body is stored as it would go inline: base64 text, which every store
              // keeps intact)
              byte[] utf8 = request.messageBody().getBytes(StandardCharsets.UTF_8);
              return store(queueUrl, utf8, stableKey)
                  .thenCompose(pointer -> sendAttempt(request, utf8, pointer, dedup, stableKey, 1));
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

  CompletableFuture<SendMessageBatchResponse> sendMessageBatch(SendMessageBatchRequest request) {
    return Futures.guarded(
        () -> {
          SendMessageBatchRequest original = compressing.apply(request);
          SendPlanning.InjectedBatch injected = planning.injected(original);
          return planning
              .threshold(original.queueUrl(), SendPlanning.limitMatters(injected))
              .thenCompose(threshold -> sendBatch(injected, threshold));
        });
  }

  /**
   * Sends a planned batch; with the {@code auto} threshold, a batch that a queue whose limit was
   * lowered since it was read refuses for an entry's size is planned again with the limit read
   * again (the payloads of the refused attempt were deleted: nothing was enqueued).
   */
  private CompletableFuture<SendMessageBatchResponse> sendBatch(
      SendPlanning.InjectedBatch injected, long threshold) {
    CompletableFuture<SendMessageBatchResponse> sent =
        Futures.guarded(() -> sendBatchOnce(injected, threshold));
    if (!planning.auto()) {
      return sent;
    }
    String queueUrl = injected.original().queueUrl();
    return Futures.afterwards(
        sent,
        (response, error) -> {
          if (error != null && !SendPlanning.refusedForSize(error)) {
            return CompletableFuture.<SendMessageBatchResponse>failedFuture(error);
          }
          if (error == null && response.failed().stream().noneMatch(SendPlanning::refusedForSize)) {
            return CompletableFuture.completedFuture(response);
          }
          return planning
              .lowerThreshold(queueUrl, threshold)
              .thenCompose(
                  lower -> {
                    if (lower.isEmpty()) {
                      return error != null
                          ? CompletableFuture.<SendMessageBatchResponse>failedFuture(error)
                          : CompletableFuture.completedFuture(response);
                    }
                    if (error != null) {
                      return sendBatch(injected, lower.getAsLong());
                    }
                    return resendRefused(injected, response, lower.getAsLong());
                  });
        });
  }

  /**
   * The answer to a batch of which SQS refused some entries for their size, with those entries
   * planned and sent again at the {@code lower} threshold (the others are not sent again).
   */
  private CompletableFuture<SendMessageBatchResponse> resendRefused(
      SendPlanning.InjectedBatch injected, SendMessageBatchResponse response, long lower) {
    Set<String> refused = new java.util.HashSet<>();
    for (BatchResultErrorEntry failed : response.failed()) {
      if (SendPlanning.refusedForSize(failed)) {
        refused.add(failed.id());
      }
    }
    SendPlanning.InjectedBatch again = injected.only(refused);
    return sendBatch(again, lower)
        .thenApply(
            resent -> {
              List<BatchResultErrorEntry> failed = new ArrayList<>();
              for (BatchResultErrorEntry one : response.failed()) {
                if (!refused.contains(one.id())) {
                  failed.add(one);
                }
              }
              failed.addAll(resent.failed());
              List<software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry>
                  successful = new ArrayList<>(response.successful());
              successful.addAll(resent.successful());
              return response.toBuilder().successful(successful).failed(failed).build();
            });
  }

  private CompletableFuture<SendMessageBatchResponse> sendBatchOnce(
      SendPlanning.InjectedBatch injected, long threshold) {
    String queueUrl = injected.original().queueUrl();
    // auto: an entry that does not fit its queue even offloaded fails alone, before any store
    SendPlanning.Fitted fitted = planning.fit(injected, threshold);
    if (fitted.request() == null) {
      return CompletableFuture.completedFuture(
          SendMessageBatchResponse.builder().failed(fitted.unfit()).build());
    }
    SendMessageBatchRequest request = fitted.request();
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
    return sent.thenApply(fitted::withUnfit);
  }

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
