/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import dev.sqsx.extended.PayloadPointer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/**
 * The asynchronous {@link SnsExtendedClient}: the same rules and wire format over {@link
 * SnsAsyncClient} and the store's asynchronous calls. Every failure is a failed future, never an
 * exception from the call itself.
 */
public final class SnsExtendedAsyncClient extends ForwardingSnsAsyncClient {

  private final SnsOffloading rules;

  SnsExtendedAsyncClient(SnsAsyncClient delegate, SnsOffloading rules) {
    super(delegate);
    this.rules = rules;
  }

  /** Does nothing: the wrapped client and the store's clients belong to the caller. */
  @Override
  public void close() {}

  /** A builder: {@code snsAsyncClient} and {@code payloadStore} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SnsExtendedAsyncClient}. */
  public static final class Builder extends SnsExtendedClientBuilder<Builder> {

    private SnsAsyncClient snsClient;

    Builder() {}

    /** The client that publishes (required; not closed by the extended client). */
    public Builder snsAsyncClient(SnsAsyncClient snsClient) {
      this.snsClient = snsClient;
      return this;
    }

    /** A client with these options. */
    public SnsExtendedAsyncClient build() {
      SnsAsyncClient client = required(snsClient, "snsAsyncClient");
      return new SnsExtendedAsyncClient(
          client,
          rules(
              topicArn ->
                  client
                      .getTopicAttributes(r -> r.topicArn(topicArn))
                      .thenApply(response -> response.attributes().get("MaximumMessageSize"))));
    }
  }

  @Override
  public CompletableFuture<PublishResponse> publish(PublishRequest original) {
    CompletableFuture<Long> threshold;
    PublishRequest request;
    try {
      request = rules.compressed(original);
      threshold = rules.threshold(request.topicArn(), SnsOffloading.size(request));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return threshold.thenCompose(limit -> publish(request, limit));
  }

  private CompletableFuture<PublishResponse> publish(PublishRequest request, long threshold) {
    SnsOffloading.Offload offload;
    try {
      offload = rules.plan(request, threshold);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (offload == null) {
      // auto: a topic whose limit was lowered since it was read refuses the message (nothing was
      // published); with the limit read again it goes offloaded
      return orLower(
          delegate.publish(request),
          request.topicArn(),
          threshold,
          lower -> publish(request, lower));
    }
    return store(offload)
        .thenCompose(
            pointer ->
                publishOrClean(
                    offload,
                    pointer,
                    () ->
                        delegate.publish(
                            rules.pointerRequest(request, pointer, offload.utf8().length))));
  }

  /**
   * The publication's answer; when SNS refused it for its size and the topic's limit, read again,
   * is lower than {@code threshold} ({@code auto}), what {@code again} makes of it at that limit.
   */
  private <T> CompletableFuture<T> orLower(
      CompletableFuture<T> published,
      String topicArn,
      long threshold,
      java.util.function.LongFunction<CompletableFuture<T>> again) {
    return published.exceptionallyCompose(
        error -> {
          if (!SnsOffloading.refusedForSize(error)) {
            return CompletableFuture.<T>failedFuture(error);
          }
          return rules
              .lowerThreshold(topicArn, threshold)
              .thenCompose(
                  lower ->
                      lower.isPresent()
                          ? again.apply(lower.getAsLong())
                          : CompletableFuture.<T>failedFuture(error));
        });
  }

  @Override
  public CompletableFuture<PublishBatchResponse> publishBatch(PublishBatchRequest original) {
    CompletableFuture<Long> threshold;
    PublishBatchRequest request;
    try {
      request = rules.compressed(original);
      threshold = rules.threshold(request.topicArn(), SnsOffloading.size(request));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return threshold.thenCompose(limit -> publishBatch(request, limit));
  }

  private CompletableFuture<PublishBatchResponse> publishBatch(
      PublishBatchRequest request, long threshold) {
    List<SnsOffloading.Offload> offloads;
    try {
      offloads = rules.plan(request, threshold);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (offloads.isEmpty()) {
      return orLower(
          delegate.publishBatch(request),
          request.topicArn(),
          threshold,
          lower -> publishBatch(request, lower));
    }
    List<CompletableFuture<PayloadPointer>> stored = new ArrayList<>();
    for (SnsOffloading.Offload offload : offloads) {
      stored.add(store(offload));
    }
    Map<String, SnsOffloading.Offload> byId = new HashMap<>();
    offloads.forEach(offload -> byId.put(offload.entryId(), offload));
    return CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new))
        .handle(
            (done, error) -> {
              Map<String, PayloadPointer> pointers = new HashMap<>();
              Map<String, Integer> sizes = new HashMap<>();
              for (int i = 0; i < offloads.size(); i++) {
                if (!stored.get(i).isCompletedExceptionally()) {
                  pointers.put(offloads.get(i).entryId(), stored.get(i).join());
                  sizes.put(offloads.get(i).entryId(), offloads.get(i).utf8().length);
                }
              }
              if (error != null) {
                Throwable failure = unwrap(error);
                pointers.forEach(
                    (id, pointer) -> rules.deleteUnpublishedAsync(byId.get(id), pointer));
                throw new CompletionException(failure);
              }
              return new Stored(pointers, sizes);
            })
        .thenCompose(
            stored2 ->
                delegate
                    .publishBatch(rules.pointerBatch(request, stored2.pointers(), stored2.sizes()))
                    .handle(
                        (response, error) -> {
                          if (error != null) {
                            Throwable failure = unwrap(error);
                            stored2
                                .pointers()
                                .forEach(
                                    (id, pointer) ->
                                        rules.afterFailedPublishAsync(
                                            byId.get(id), pointer, failure));
                            throw new CompletionException(failure);
                          }
                          for (BatchResultErrorEntry failed : response.failed()) {
                            PayloadPointer pointer = stored2.pointers().get(failed.id());
                            if (pointer != null) {
                              rules.deleteUnpublishedAsync(byId.get(failed.id()), pointer);
                            }
                          }
                          return response;
                        }));
  }

  private record Stored(Map<String, PayloadPointer> pointers, Map<String, Integer> sizes) {}

  private CompletableFuture<PayloadPointer> store(SnsOffloading.Offload offload) {
    return rules
        .storeAsync(offload)
        .handle(
            (pointer, error) -> {
              if (error != null) {
                throw SnsOffloading.storeFailed(unwrap(error));
              }
              return pointer;
            });
  }

  private <T> CompletableFuture<T> publishOrClean(
      SnsOffloading.Offload offload,
      PayloadPointer pointer,
      Supplier<CompletableFuture<T>> publish) {
    CompletableFuture<T> published;
    try {
      published = publish.get();
    } catch (RuntimeException e) {
      published = CompletableFuture.failedFuture(e);
    }
    return published.handle(
        (response, error) -> {
          if (error != null) {
            Throwable failure = unwrap(error);
            rules.afterFailedPublishAsync(offload, pointer, failure);
            throw new CompletionException(failure);
          }
          return response;
        });
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
