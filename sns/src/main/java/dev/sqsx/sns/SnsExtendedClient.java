/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import dev.sqsx.extended.PayloadPointer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/**
 * An {@link SnsClient} that offloads large messages: a {@code Publish} (or a {@code PublishBatch}
 * entry) whose message and attributes exceed the threshold — by default ({@code auto}) the topic's
 * own {@code MaximumMessageSize}, 262,144 bytes unless raised, up to 1,048,576 — is stored in the
 * payload store and published as a pointer with the {@code ExtendedPayloadSize} attribute, byte for
 * byte what AWS's {@code sns-extended-client} publishes, so every subscriber that reads AWS's
 * pointers (sqsx's extended clients and consumer, AWS's SQS extended client, Powertools) resolves
 * it. A batch offloads its entries over the threshold, then its largest others until it fits the
 * topic's limit; a batch with something to offload whose entry ids repeat is refused with SNS's own
 * {@code BatchEntryIdsNotDistinctException} before anything is stored.
 *
 * <p>A publisher never deletes a payload it published: it cannot know when every subscription has
 * read it. Let the bucket's lifecycle rule (or the table's TTL) remove payloads, after longer than
 * any subscribed queue keeps its messages (see the module README). A payload whose publish SNS
 * refused is deleted at once; one whose publish got no answer is kept (it may have been published).
 *
 * <p>Thread-safe. Every other operation goes to the wrapped client unchanged; {@code close()}
 * closes neither the wrapped client nor the store's: their owner does.
 */
public final class SnsExtendedClient extends ForwardingSnsClient {

  private final SnsOffloading rules;

  SnsExtendedClient(SnsClient delegate, SnsOffloading rules) {
    super(delegate);
    this.rules = rules;
  }

  /** Does nothing: the wrapped client and the store's clients belong to the caller. */
  @Override
  public void close() {}

  /** A builder: {@code snsClient} and {@code payloadStore} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SnsExtendedClient}. */
  public static final class Builder extends SnsExtendedClientBuilder<Builder> {

    private SnsClient snsClient;

    Builder() {}

    /** The client that publishes (required; not closed by the extended client). */
    public Builder snsClient(SnsClient snsClient) {
      this.snsClient = snsClient;
      return this;
    }

    /** A client with these options. */
    public SnsExtendedClient build() {
      SnsClient client = required(snsClient, "snsClient");
      return new SnsExtendedClient(
          client,
          rules(
              topicArn -> {
                try {
                  return CompletableFuture.completedFuture(
                      client
                          .getTopicAttributes(r -> r.topicArn(topicArn))
                          .attributes()
                          .get("MaximumMessageSize"));
                } catch (RuntimeException e) {
                  return CompletableFuture.failedFuture(e);
                }
              }));
    }
  }

  @Override
  public PublishResponse publish(PublishRequest original) {
    PublishRequest request = rules.compressed(original);
    long threshold = rules.threshold(request.topicArn(), SnsOffloading.size(request)).join();
    return publish(request, threshold);
  }

  private PublishResponse publish(PublishRequest request, long threshold) {
    SnsOffloading.Offload offload = rules.plan(request, threshold);
    if (offload == null) {
      try {
        return delegate.publish(request);
      } catch (RuntimeException e) {
        // auto: a topic whose limit was lowered since it was read refuses the message (nothing
        // was published); with the limit read again it goes offloaded
        OptionalLong lower = lowerThreshold(request.topicArn(), threshold, e);
        if (lower.isEmpty()) {
          throw e;
        }
        return publish(request, lower.getAsLong());
      }
    }
    PayloadPointer pointer;
    try {
      pointer = rules.store(offload);
    } catch (RuntimeException e) {
      throw SnsOffloading.storeFailed(e);
    }
    try {
      return delegate.publish(rules.pointerRequest(request, pointer, offload.utf8().length));
    } catch (RuntimeException e) {
      rules.afterFailedPublish(offload, pointer, e);
      throw e;
    }
  }

  @Override
  public PublishBatchResponse publishBatch(PublishBatchRequest original) {
    PublishBatchRequest request = rules.compressed(original);
    long threshold = rules.threshold(request.topicArn(), SnsOffloading.size(request)).join();
    return publishBatch(request, threshold);
  }

  /**
   * With the {@code auto} threshold, the topic's limit read again when SNS refused a publication
   * planned at {@code threshold} for its size and the kept limit was that one; else empty.
   */
  private OptionalLong lowerThreshold(String topicArn, long threshold, RuntimeException error) {
    if (!SnsOffloading.refusedForSize(error)) {
      return OptionalLong.empty();
    }
    return rules.lowerThreshold(topicArn, threshold).join();
  }

  private PublishBatchResponse publishBatch(PublishBatchRequest request, long threshold) {
    List<SnsOffloading.Offload> offloads = rules.plan(request, threshold);
    if (offloads.isEmpty()) {
      try {
        return delegate.publishBatch(request);
      } catch (RuntimeException e) {
        OptionalLong lower = lowerThreshold(request.topicArn(), threshold, e);
        if (lower.isEmpty()) {
          throw e;
        }
        return publishBatch(request, lower.getAsLong());
      }
    }
    Map<String, SnsOffloading.Offload> byId = new HashMap<>();
    Map<String, PayloadPointer> pointers = new HashMap<>();
    Map<String, Integer> sizes = new HashMap<>();
    try {
      for (SnsOffloading.Offload offload : offloads) {
        byId.put(offload.entryId(), offload);
        pointers.put(offload.entryId(), rules.store(offload));
        sizes.put(offload.entryId(), offload.utf8().length);
      }
    } catch (RuntimeException e) {
      RuntimeException failure = SnsOffloading.storeFailed(e);
      pointers.forEach((id, pointer) -> rules.deleteUnpublished(byId.get(id), pointer, failure));
      throw failure;
    }
    PublishBatchResponse response;
    try {
      response = delegate.publishBatch(rules.pointerBatch(request, pointers, sizes));
    } catch (RuntimeException e) {
      pointers.forEach((id, pointer) -> rules.afterFailedPublish(byId.get(id), pointer, e));
      throw e;
    }
    for (BatchResultErrorEntry failed : response.failed()) {
      PayloadPointer pointer = pointers.get(failed.id());
      if (pointer != null) {
        rules.deleteUnpublished(byId.get(failed.id()), pointer, null);
      }
    }
    return response;
  }
}
