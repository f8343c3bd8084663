package dev.sqsx.extended;

import dev.sqsx.extended.internal.Futures;
import dev.sqsx.extended.internal.Offloading;
import dev.sqsx.extended.internal.QueueTraits;
import dev.sqsx.extended.internal.ReceiptHandles;
import dev.sqsx.extended.internal.SendAttempts;
import dev.sqsx.extended.internal.Settings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsServiceClientConfiguration;
import software.amazon.awssdk.services.sqs.batchmanager.SqsAsyncBatchManager;
import software.amazon.awssdk.services.sqs.model.AddPermissionRequest;
import software.amazon.awssdk.services.sqs.model.AddPermissionResponse;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.CancelMessageMoveTaskRequest;
import software.amazon.awssdk.services.sqs.model.CancelMessageMoveTaskResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.CreateQueueResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.DeleteQueueRequest;
import software.amazon.awssdk.services.sqs.model.DeleteQueueResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.ListDeadLetterSourceQueuesRequest;
import software.amazon.awssdk.services.sqs.model.ListDeadLetterSourceQueuesResponse;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksRequest;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResponse;
import software.amazon.awssdk.services.sqs.model.ListQueueTagsRequest;
import software.amazon.awssdk.services.sqs.model.ListQueueTagsResponse;
import software.amazon.awssdk.services.sqs.model.ListQueuesRequest;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.PurgeQueueRequest;
import software.amazon.awssdk.services.sqs.model.PurgeQueueResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.RemovePermissionRequest;
import software.amazon.awssdk.services.sqs.model.RemovePermissionResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.StartMessageMoveTaskRequest;
import software.amazon.awssdk.services.sqs.model.StartMessageMoveTaskResponse;
import software.amazon.awssdk.services.sqs.model.TagQueueRequest;
import software.amazon.awssdk.services.sqs.model.TagQueueResponse;
import software.amazon.awssdk.services.sqs.model.UntagQueueRequest;
import software.amazon.awssdk.services.sqs.model.UntagQueueResponse;
import software.amazon.awssdk.services.sqs.paginators.ListDeadLetterSourceQueuesPublisher;
import software.amazon.awssdk.services.sqs.paginators.ListQueuesPublisher;

/**
 * A drop-in {@link SqsAsyncClient} that offloads large message bodies to a {@link PayloadStore} and
 * sends a pointer instead, wire-compatible with AWS's {@code amazon-sqs-java-extended-client-lib}.
 * It behaves exactly as {@link SqsExtendedClient} (see there), asynchronously: pointers of one
 * receive are resolved in parallel, no method blocks the calling thread, and every failure is a
 * failed future, never a thrown exception.
 *
 * <pre>{@code
 * SqsAsyncClient sqs = SqsExtendedAsyncClient.builder()
 *     .sqsClient(plainSqsAsyncClient)
 *     .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3).bucket("my-payloads").build())
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} does not close the wrapped client nor the store's clients; it
 * stops only what this client created (the scheduler of {@link #batchManager()}).
 */
public final class SqsExtendedAsyncClient implements SqsAsyncClient {

  private static final Logger LOG = LoggerFactory.getLogger(SqsExtendedAsyncClient.class);

  private final SqsAsyncClient sqs;
  private final PayloadStore store;
  private final Offloading rules;

  /** Attempts of an offloaded send: what the SQS client's own retry strategy allows. */
  private final int maxAttempts;

  private final Settings settings;
  private final QueueTraits queues = new QueueTraits();
  private final Object batchManagerLock = new Object();
  private SqsAsyncBatchManager batchManager;
  private ScheduledExecutorService batchScheduler;

  private SqsExtendedAsyncClient(SqsAsyncClient sqs, Settings settings) {
    this.sqs = sqs;
    this.settings = settings;
    this.store = settings.store();
    this.rules = new Offloading(settings);
    this.maxAttempts = SendAttempts.maxAttempts(sqs);
  }

  /** A builder; {@code sqsClient} and {@code payloadStore} are required. */
  public static Builder builder() {
    return new Builder();
  }

  // ---- send ------------------------------------------------------------------------------------

  @Override
  public CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest request) {
    return Futures.guarded(
        () -> {
          if (!rules.mustOffload(request.messageBody(), request.messageAttributes())) {
            return sqs.sendMessage(request);
          }
          String queueUrl = request.queueUrl();
          rules.checkRoomForMarker(queueUrl, request.messageAttributes());
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
                    return store(queueUrl, request.messageBody(), stableKey)
                        .thenCompose(pointer -> sendAttempt(request, pointer, dedup, stableKey, 1));
                  });
        });
  }

  /**
   * One attempt of an offloaded send (the SDK's retries are off for it): refused and retryable →
   * the same payload again; outcome unknown and retryable → a fresh payload (the last one is kept:
   * a message may point to it); refused for good → the payload is deleted.
   */
  private CompletableFuture<SendMessageResponse> sendAttempt(
      SendMessageRequest request,
      PayloadPointer pointer,
      boolean dedup,
      String stableKey,
      int attempt) {
    String queueUrl = request.queueUrl();
    return Futures.afterwards(
        Futures.guarded(() -> sqs.sendMessage(rules.pointerRequest(request, pointer, dedup))),
        (response, error) -> {
          if (error == null) {
            return CompletableFuture.completedFuture(response);
          }
          boolean again = attempt < maxAttempts && SendAttempts.retryable(error);
          if (Failures.definitelyNotSent(error)) {
            if (!again) {
              return deleteAll(queueUrl, List.of(pointer))
                  .<SendMessageResponse>thenCompose(done -> CompletableFuture.failedFuture(error));
            }
            return pause(attempt)
                .thenCompose(done -> sendAttempt(request, pointer, dedup, stableKey, attempt + 1));
          }
          Failures.logPayloadKept(LOG, queueUrl, pointer, error);
          if (!again) {
            return CompletableFuture.<SendMessageResponse>failedFuture(error);
          }
          return pause(attempt)
              .thenCompose(done -> store(queueUrl, request.messageBody(), stableKey))
              .thenCompose(next -> sendAttempt(request, next, dedup, stableKey, attempt + 1));
        });
  }

  @Override
  public CompletableFuture<SendMessageBatchResponse> sendMessageBatch(
      SendMessageBatchRequest request) {
    return Futures.guarded(
        () -> {
          List<SendMessageBatchRequestEntry> entries = request.entries();
          List<Integer> plan = rules.batchOffloadPlan(entries);
          if (plan.isEmpty()) {
            return sqs.sendMessageBatch(request);
          }
          String queueUrl = request.queueUrl();
          Offloading.requireDistinctIds(entries);
          for (int index : plan) {
            rules.checkRoomForMarker(queueUrl, entries.get(index).messageAttributes());
          }
          return needsContentDeduplicationId(queueUrl, null)
              .thenCompose(
                  dedup ->
                      storeBatch(request, plan, dedup)
                          .thenCompose(stored -> batchAttempt(request, plan, dedup, stored, 1)));
        });
  }

  /** One attempt of a batch with offloaded entries; the same rules as {@link #sendAttempt}. */
  private CompletableFuture<SendMessageBatchResponse> batchAttempt(
      SendMessageBatchRequest request,
      List<Integer> plan,
      boolean dedup,
      Map<String, PayloadPointer> stored,
      int attempt) {
    String queueUrl = request.queueUrl();
    return Futures.afterwards(
        Futures.guarded(
            () -> sqs.sendMessageBatch(rules.pointerBatch(request, plan, stored, dedup))),
        (response, error) -> {
          if (error == null) {
            return deleteFailedEntries(queueUrl, response, stored);
          }
          boolean again = attempt < maxAttempts && SendAttempts.retryable(error);
          if (Failures.definitelyNotSent(error)) {
            if (!again) {
              return deleteAll(queueUrl, stored.values())
                  .<SendMessageBatchResponse>thenCompose(
                      done -> CompletableFuture.failedFuture(error));
            }
            return pause(attempt)
                .thenCompose(done -> batchAttempt(request, plan, dedup, stored, attempt + 1));
          }
          stored
              .values()
              .forEach(pointer -> Failures.logPayloadKept(LOG, queueUrl, pointer, error));
          if (!again) {
            return CompletableFuture.<SendMessageBatchResponse>failedFuture(error);
          }
          return pause(attempt)
              .thenCompose(done -> storeBatch(request, plan, dedup))
              .thenCompose(next -> batchAttempt(request, plan, dedup, next, attempt + 1));
        });
  }

  /** Stores the planned entries' payloads; when one fails, deletes the others (nothing sent). */
  private CompletableFuture<Map<String, PayloadPointer>> storeBatch(
      SendMessageBatchRequest request, List<Integer> plan, boolean dedup) {
    String queueUrl = request.queueUrl();
    long now = System.currentTimeMillis();
    Map<String, PayloadPointer> stored = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> stores = new ArrayList<>();
    for (int index : plan) {
      SendMessageBatchRequestEntry entry = request.entries().get(index);
      String stableKey =
          Offloading.stableKey(
              queueUrl, entry.messageDeduplicationId(), dedup, entry.messageBody(), now);
      stores.add(
          store(queueUrl, entry.messageBody(), stableKey)
              .thenAccept(pointer -> stored.put(entry.id(), pointer)));
    }
    return Futures.afterwards(
        CompletableFuture.allOf(stores.toArray(CompletableFuture[]::new)),
        (ignored, storeError) -> {
          if (storeError != null) {
            return deleteAll(queueUrl, stored.values())
                .<Map<String, PayloadPointer>>thenCompose(
                    done -> CompletableFuture.failedFuture(storeError));
          }
          return CompletableFuture.completedFuture(stored);
        });
  }

  /** Completes after the pause before attempt {@code attempt + 1}, without holding a thread. */
  private static CompletableFuture<Void> pause(int attempt) {
    return CompletableFuture.runAsync(
        () -> {},
        CompletableFuture.delayedExecutor(
            SendAttempts.delayMillis(attempt + 1), TimeUnit.MILLISECONDS));
  }

  private CompletableFuture<SendMessageBatchResponse> deleteFailedEntries(
      String queueUrl, SendMessageBatchResponse response, Map<String, PayloadPointer> stored) {
    List<PayloadPointer> unsent = new ArrayList<>();
    for (BatchResultErrorEntry failed : response.failed()) {
      PayloadPointer pointer = stored.get(failed.id());
      if (pointer != null) {
        unsent.add(pointer);
      }
    }
    return deleteAll(queueUrl, unsent).thenApply(done -> response);
  }

  private CompletableFuture<PayloadPointer> store(
      String queueUrl, String payload, String stableKey) {
    return (stableKey == null ? store.storeAsync(payload) : store.storeAsync(payload, stableKey))
        .handle(
            (pointer, error) -> {
              if (error != null) {
                throw new ExtendedClientException(
                    "cannot offload message payload, nothing was sent: "
                        + Futures.unwrap(error).getMessage(),
                    queueUrl,
                    null,
                    null,
                    Futures.unwrap(error));
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
                sqs.getQueueAttributes(
                        r ->
                            r.queueUrl(queueUrl)
                                .attributeNames(QueueAttributeName.CONTENT_BASED_DEDUPLICATION))
                    .thenApply(
                        response ->
                            queues.remember(
                                queueUrl,
                                response
                                    .attributes()
                                    .get(QueueAttributeName.CONTENT_BASED_DEDUPLICATION))));
  }

  /** Deletes payloads of messages that were not sent; never fails (failures are logged). */
  private CompletableFuture<Void> deleteAll(String queueUrl, Collection<PayloadPointer> pointers) {
    List<CompletableFuture<?>> deletes = new ArrayList<>();
    for (PayloadPointer pointer : List.copyOf(pointers)) {
      deletes.add(
          store
              .deleteAsync(pointer)
              .exceptionally(
                  error -> {
                    LOG.warn(
                        "send to {} failed and its stored payload {} could not be deleted: {}",
                        queueUrl,
                        pointer,
                        Futures.unwrap(error).toString());
                    return null;
                  }));
    }
    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
  }

  // ---- receive ---------------------------------------------------------------------------------

  @Override
  public CompletableFuture<ReceiveMessageResponse> receiveMessage(ReceiveMessageRequest request) {
    return Futures.guarded(
        () ->
            sqs.receiveMessage(rules.receiveRequest(request))
                .thenCompose(response -> resolveAll(request.queueUrl(), response)));
  }

  private CompletableFuture<ReceiveMessageResponse> resolveAll(
      String queueUrl, ReceiveMessageResponse response) {
    if (!settings.payloadSupportEnabled() || !response.hasMessages()) {
      return CompletableFuture.completedFuture(response);
    }
    List<CompletableFuture<Message>> resolved = new ArrayList<>();
    for (Message message : response.messages()) {
      resolved.add(resolve(queueUrl, message));
    }
    return CompletableFuture.allOf(resolved.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<Message> messages = new ArrayList<>(resolved.size());
              for (CompletableFuture<Message> message : resolved) {
                Message value = message.join();
                if (value != null) {
                  messages.add(value);
                }
              }
              return response.toBuilder().messages(messages).build();
            });
  }

  /** The resolved message, or null (after reporting) when its payload cannot be resolved. */
  private CompletableFuture<Message> resolve(String queueUrl, Message message) {
    PayloadPointer pointer;
    try {
      var found = rules.pointerOf(message);
      if (found.isEmpty()) {
        return CompletableFuture.completedFuture(message);
      }
      pointer = found.get();
    } catch (ExtendedClientException e) {
      return reportFailure(queueUrl, message, e);
    } catch (RuntimeException e) {
      // Whatever a hostile body does to the parser, it is this message's failure alone.
      return reportFailure(
          queueUrl,
          message,
          new MalformedPointerException(
              "cannot read the pointer of this message", queueUrl, message.messageId(), null, e));
    }
    return Futures.afterwards(
        Futures.guarded(() -> store.readAsync(pointer)),
        (payload, cause) -> {
          if (cause == null) {
            return CompletableFuture.completedFuture(
                Offloading.resolved(message, pointer, payload));
          }
          ExtendedClientException failure =
              cause instanceof ExtendedClientException
                  ? (ExtendedClientException) cause
                  : new ExtendedClientException(
                      "cannot resolve payload", queueUrl, message.messageId(), pointer, cause);
          return reportFailure(queueUrl, message, failure);
        });
  }

  private CompletableFuture<Message> reportFailure(
      String queueUrl, Message message, ExtendedClientException error) {
    CompletableFuture<Boolean> deleted = CompletableFuture.completedFuture(false);
    if (settings.ignorePayloadNotFound() && error instanceof PayloadNotFoundException) {
      deleted =
          sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()))
              .handle(
                  (response, deleteError) -> {
                    if (deleteError != null) {
                      error.addSuppressed(Futures.unwrap(deleteError));
                      return false;
                    }
                    return true;
                  });
    }
    return deleted.thenApply(
        wasDeleted -> {
          Failures.report(
              settings.listener(),
              new PayloadResolutionFailure(
                  queueUrl,
                  message.messageId(),
                  message.receiptHandle(),
                  error,
                  wasDeleted,
                  message));
          return null;
        });
  }

  // ---- delete and visibility -------------------------------------------------------------------

  @Override
  public CompletableFuture<DeleteMessageResponse> deleteMessage(DeleteMessageRequest request) {
    return Futures.guarded(
        () -> {
          ReceiptHandles.Parsed handle = Offloading.parseHandle(request.receiptHandle());
          return sqs.deleteMessage(request.toBuilder().receiptHandle(handle.original()).build())
              .thenCompose(
                  response -> {
                    if (!settings.cleanupPayload() || handle.pointer().isEmpty()) {
                      return CompletableFuture.completedFuture(response);
                    }
                    PayloadPointer pointer = handle.pointer().get();
                    return store
                        .deleteAsync(pointer)
                        .handle(
                            (done, error) -> {
                              Throwable cause = error == null ? null : Futures.unwrap(error);
                              if (cause instanceof PayloadNotAllowedException) {
                                Failures.logForeignPointer(LOG, request.queueUrl(), pointer);
                              } else if (cause != null) {
                                throw new ExtendedClientException(
                                    "message deleted from SQS, but its payload could not be"
                                        + " deleted",
                                    request.queueUrl(),
                                    null,
                                    pointer,
                                    cause);
                              }
                              return response;
                            });
                  });
        });
  }

  @Override
  public CompletableFuture<DeleteMessageBatchResponse> deleteMessageBatch(
      DeleteMessageBatchRequest request) {
    return Futures.guarded(
        () -> {
          List<ReceiptHandles.Parsed> handles = Offloading.parseHandles(request);
          return sqs.deleteMessageBatch(Offloading.unwrapped(request, handles))
              .thenCompose(
                  response -> {
                    if (!settings.cleanupPayload()) {
                      return CompletableFuture.completedFuture(response);
                    }
                    Map<String, PayloadPointer> pointers = Failures.pointersById(request, handles);
                    List<CompletableFuture<?>> deletes = new ArrayList<>();
                    for (DeleteMessageBatchResultEntry deleted : response.successful()) {
                      PayloadPointer pointer = pointers.get(deleted.id());
                      if (pointer != null) {
                        deletes.add(deletePayloadLogged(request.queueUrl(), pointer));
                      }
                    }
                    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new))
                        .thenApply(done -> response);
                  });
        });
  }

  private CompletableFuture<Void> deletePayloadLogged(String queueUrl, PayloadPointer pointer) {
    return store
        .deleteAsync(pointer)
        .exceptionally(
            error -> {
              Throwable cause = Futures.unwrap(error);
              if (cause instanceof PayloadNotAllowedException) {
                Failures.logForeignPointer(LOG, queueUrl, pointer);
              } else {
                Failures.logPayloadNotDeleted(
                    LOG, queueUrl, pointer, cause instanceof Exception ? (Exception) cause : null);
              }
              return null;
            });
  }

  @Override
  public CompletableFuture<ChangeMessageVisibilityResponse> changeMessageVisibility(
      ChangeMessageVisibilityRequest request) {
    return Futures.guarded(() -> sqs.changeMessageVisibility(Offloading.unwrapped(request)));
  }

  @Override
  public CompletableFuture<ChangeMessageVisibilityBatchResponse> changeMessageVisibilityBatch(
      ChangeMessageVisibilityBatchRequest request) {
    return Futures.guarded(() -> sqs.changeMessageVisibilityBatch(Offloading.unwrapped(request)));
  }

  // ---- delegated unchanged ---------------------------------------------------------------------

  @Override
  public CompletableFuture<AddPermissionResponse> addPermission(AddPermissionRequest request) {
    return sqs.addPermission(request);
  }

  @Override
  public CompletableFuture<CancelMessageMoveTaskResponse> cancelMessageMoveTask(
      CancelMessageMoveTaskRequest request) {
    return sqs.cancelMessageMoveTask(request);
  }

  @Override
  public CompletableFuture<CreateQueueResponse> createQueue(CreateQueueRequest request) {
    return sqs.createQueue(request);
  }

  @Override
  public CompletableFuture<DeleteQueueResponse> deleteQueue(DeleteQueueRequest request) {
    return sqs.deleteQueue(request);
  }

  @Override
  public CompletableFuture<GetQueueAttributesResponse> getQueueAttributes(
      GetQueueAttributesRequest request) {
    return sqs.getQueueAttributes(request);
  }

  @Override
  public CompletableFuture<GetQueueUrlResponse> getQueueUrl(GetQueueUrlRequest request) {
    return sqs.getQueueUrl(request);
  }

  @Override
  public CompletableFuture<ListDeadLetterSourceQueuesResponse> listDeadLetterSourceQueues(
      ListDeadLetterSourceQueuesRequest request) {
    return sqs.listDeadLetterSourceQueues(request);
  }

  @Override
  public ListDeadLetterSourceQueuesPublisher listDeadLetterSourceQueuesPaginator(
      ListDeadLetterSourceQueuesRequest request) {
    return new ListDeadLetterSourceQueuesPublisher(this, request);
  }

  @Override
  public CompletableFuture<ListMessageMoveTasksResponse> listMessageMoveTasks(
      ListMessageMoveTasksRequest request) {
    return sqs.listMessageMoveTasks(request);
  }

  @Override
  public CompletableFuture<ListQueueTagsResponse> listQueueTags(ListQueueTagsRequest request) {
    return sqs.listQueueTags(request);
  }

  @Override
  public CompletableFuture<ListQueuesResponse> listQueues(ListQueuesRequest request) {
    return sqs.listQueues(request);
  }

  @Override
  public CompletableFuture<ListQueuesResponse> listQueues() {
    return sqs.listQueues(ListQueuesRequest.builder().build());
  }

  @Override
  public ListQueuesPublisher listQueuesPaginator() {
    return listQueuesPaginator(ListQueuesRequest.builder().build());
  }

  @Override
  public ListQueuesPublisher listQueuesPaginator(ListQueuesRequest request) {
    return new ListQueuesPublisher(this, request);
  }

  @Override
  public CompletableFuture<PurgeQueueResponse> purgeQueue(PurgeQueueRequest request) {
    return sqs.purgeQueue(request);
  }

  @Override
  public CompletableFuture<RemovePermissionResponse> removePermission(
      RemovePermissionRequest request) {
    return sqs.removePermission(request);
  }

  @Override
  public CompletableFuture<SetQueueAttributesResponse> setQueueAttributes(
      SetQueueAttributesRequest request) {
    return sqs.setQueueAttributes(request);
  }

  @Override
  public CompletableFuture<StartMessageMoveTaskResponse> startMessageMoveTask(
      StartMessageMoveTaskRequest request) {
    return sqs.startMessageMoveTask(request);
  }

  @Override
  public CompletableFuture<TagQueueResponse> tagQueue(TagQueueRequest request) {
    return sqs.tagQueue(request);
  }

  @Override
  public CompletableFuture<UntagQueueResponse> untagQueue(UntagQueueRequest request) {
    return sqs.untagQueue(request);
  }

  /**
   * A batch manager whose calls go through this client, so batched sends are offloaded and batched
   * receives resolved. Created once, on first use; stopped by {@link #close()}.
   */
  @Override
  public SqsAsyncBatchManager batchManager() {
    synchronized (batchManagerLock) {
      if (batchManager == null) {
        batchScheduler =
            Executors.newSingleThreadScheduledExecutor(
                task -> {
                  Thread thread = new Thread(task, "sqsx-extended-batch-manager");
                  thread.setDaemon(true);
                  return thread;
                });
        batchManager =
            SqsAsyncBatchManager.builder().client(this).scheduledExecutor(batchScheduler).build();
      }
      return batchManager;
    }
  }

  @Override
  public SqsServiceClientConfiguration serviceClientConfiguration() {
    return sqs.serviceClientConfiguration();
  }

  @Override
  public String serviceName() {
    return sqs.serviceName();
  }

  /**
   * Stops the batch manager this client created, if any. The wrapped client and the store's clients
   * belong to the caller and stay open.
   */
  @Override
  public void close() {
    synchronized (batchManagerLock) {
      if (batchManager != null) {
        batchManager.close();
        batchScheduler.shutdown();
        batchManager = null;
        batchScheduler = null;
      }
    }
  }

  /** Builds a {@link SqsExtendedAsyncClient}; not thread-safe. */
  public static final class Builder extends ExtendedClientBuilder<Builder> {
    private SqsAsyncClient sqsClient;

    private Builder() {}

    /** The client every call goes through (not closed by the extended client). Required. */
    public Builder sqsClient(SqsAsyncClient sqsClient) {
      this.sqsClient = sqsClient;
      return this;
    }

    /**
     * Validates the options and builds the client.
     *
     * @throws IllegalArgumentException naming the option and the rule when one is invalid
     */
    public SqsExtendedAsyncClient build() {
      Objects.requireNonNull(sqsClient, "sqsClient cannot be null");
      return new SqsExtendedAsyncClient(sqsClient, settings());
    }
  }
}
