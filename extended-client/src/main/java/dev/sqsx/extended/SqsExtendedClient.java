package dev.sqsx.extended;

import dev.sqsx.extended.internal.Offloading;
import dev.sqsx.extended.internal.QueueTraits;
import dev.sqsx.extended.internal.ReceiptHandles;
import dev.sqsx.extended.internal.SendAttempts;
import dev.sqsx.extended.internal.Settings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsServiceClientConfiguration;
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
import software.amazon.awssdk.services.sqs.paginators.ListDeadLetterSourceQueuesIterable;
import software.amazon.awssdk.services.sqs.paginators.ListQueuesIterable;

/**
 * A drop-in {@link SqsClient} that offloads large message bodies to a {@link PayloadStore} and
 * sends a pointer instead, wire-compatible with AWS's {@code amazon-sqs-java-extended-client-lib}.
 *
 * <pre>{@code
 * SqsClient sqs = SqsExtendedClient.builder()
 *     .sqsClient(plainSqsClient)
 *     .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket("my-payloads").build())
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li>Send: a message whose body plus attributes exceed the threshold is stored first, then its
 *       pointer is sent; if SQS rejects the send (a 4xx answer, or a failed batch entry) the stored
 *       payload is deleted; if the outcome is unknown (5xx, reset connection, timeout) it is kept,
 *       since the message may have been enqueued.
 *   <li>Receive: pointers are resolved and the original body, attributes and a receipt handle with
 *       the pointer embedded are returned. A message whose payload cannot be resolved is not
 *       returned and not deleted (it is redelivered, and reaches the DLQ); the {@link
 *       PayloadResolutionListener} is told.
 *   <li>Delete: SQS first, then the payload, and in batches only for the entries SQS deleted.
 *   <li>Every other operation is delegated unchanged.
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} does not close the wrapped client nor the store's clients: their
 * owner closes them.
 */
public final class SqsExtendedClient implements SqsClient {

  private static final Logger LOG = LoggerFactory.getLogger(SqsExtendedClient.class);

  private final SqsClient sqs;
  private final PayloadStore store;
  private final Offloading rules;

  /** Attempts of an offloaded send: what the SQS client's own retry strategy allows. */
  private final int maxAttempts;

  private final Settings settings;
  private final QueueTraits queues = new QueueTraits();

  private SqsExtendedClient(SqsClient sqs, Settings settings) {
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
  public SendMessageResponse sendMessage(SendMessageRequest request) {
    if (!rules.mustOffload(request.messageBody(), request.messageAttributes())) {
      return sqs.sendMessage(request);
    }
    String queueUrl = request.queueUrl();
    rules.checkRoomForMarker(queueUrl, request.messageAttributes());
    boolean dedup = needsContentDeduplicationId(queueUrl, request.messageDeduplicationId());
    String stableKey =
        Offloading.stableKey(
            queueUrl,
            request.messageDeduplicationId(),
            dedup,
            request.messageBody(),
            System.currentTimeMillis());
    PayloadPointer pointer = store(queueUrl, request.messageBody(), stableKey);
    for (int attempt = 1; ; attempt++) {
      try {
        return sqs.sendMessage(rules.pointerRequest(request, pointer, dedup));
      } catch (RuntimeException e) {
        boolean again = attempt < maxAttempts && SendAttempts.retryable(e);
        if (Failures.definitelyNotSent(e)) {
          if (!again) {
            deleteAfterFailedSend(queueUrl, pointer, e);
            throw e;
          }
          // refused (throttled): nothing was enqueued, the same payload goes again
        } else {
          Failures.logPayloadKept(LOG, queueUrl, pointer, e);
          if (!again) {
            throw e;
          }
          // it may be enqueued, pointing at this payload: the next attempt gets its own
          pointer = store(queueUrl, request.messageBody(), stableKey);
        }
        pause(queueUrl, SendAttempts.delayMillis(attempt + 1), e);
      }
    }
  }

  @Override
  public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
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
    boolean dedup = needsContentDeduplicationId(queueUrl, null);
    Map<String, PayloadPointer> stored = storeBatch(request, plan, dedup);
    for (int attempt = 1; ; attempt++) {
      SendMessageBatchResponse response;
      try {
        response = sqs.sendMessageBatch(rules.pointerBatch(request, plan, stored, dedup));
      } catch (RuntimeException e) {
        boolean again = attempt < maxAttempts && SendAttempts.retryable(e);
        if (Failures.definitelyNotSent(e)) {
          if (!again) {
            stored.values().forEach(pointer -> deleteAfterFailedSend(queueUrl, pointer, e));
            throw e;
          }
        } else {
          stored.values().forEach(pointer -> Failures.logPayloadKept(LOG, queueUrl, pointer, e));
          if (!again) {
            throw e;
          }
          stored = storeBatch(request, plan, dedup);
        }
        pause(queueUrl, SendAttempts.delayMillis(attempt + 1), e);
        continue;
      }
      for (BatchResultErrorEntry failed : response.failed()) {
        PayloadPointer pointer = stored.get(failed.id());
        if (pointer != null) {
          deleteAfterFailedSend(queueUrl, pointer, null);
        }
      }
      return response;
    }
  }

  /** Stores the planned entries' payloads; when one fails, deletes the others (nothing sent). */
  private Map<String, PayloadPointer> storeBatch(
      SendMessageBatchRequest request, List<Integer> plan, boolean dedup) {
    String queueUrl = request.queueUrl();
    long now = System.currentTimeMillis();
    Map<String, PayloadPointer> stored = new HashMap<>();
    try {
      for (int index : plan) {
        SendMessageBatchRequestEntry entry = request.entries().get(index);
        String stableKey =
            Offloading.stableKey(
                queueUrl, entry.messageDeduplicationId(), dedup, entry.messageBody(), now);
        stored.put(entry.id(), store(queueUrl, entry.messageBody(), stableKey));
      }
      return stored;
    } catch (RuntimeException e) {
      // Nothing was sent: what was stored so far has no message pointing at it.
      stored.values().forEach(pointer -> deleteAfterFailedSend(queueUrl, pointer, e));
      throw e;
    }
  }

  /** Waits before the next attempt of a send, on the caller's thread (as the SDK's retries). */
  private static void pause(String queueUrl, long millis, RuntimeException lastError) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lastError.addSuppressed(e);
      throw new ExtendedClientException(
          "interrupted between attempts of a send to " + queueUrl, queueUrl, null, null, lastError);
    }
  }

  private PayloadPointer store(String queueUrl, String payload, String stableKey) {
    try {
      return stableKey == null ? store.store(payload) : store.store(payload, stableKey);
    } catch (ExtendedClientException e) {
      throw new ExtendedClientException(
          "cannot offload message payload, nothing was sent: " + e.getMessage(),
          queueUrl,
          null,
          null,
          e);
    }
  }

  private boolean needsContentDeduplicationId(String queueUrl, String deduplicationId) {
    if (deduplicationId != null || !Offloading.isFifo(queueUrl)) {
      return false;
    }
    return queues
        .contentBasedDeduplication(queueUrl)
        .orElseGet(
            () ->
                queues.remember(
                    queueUrl,
                    sqs.getQueueAttributes(
                            r ->
                                r.queueUrl(queueUrl)
                                    .attributeNames(QueueAttributeName.CONTENT_BASED_DEDUPLICATION))
                        .attributes()
                        .get(QueueAttributeName.CONTENT_BASED_DEDUPLICATION)));
  }

  private void deleteAfterFailedSend(String queueUrl, PayloadPointer pointer, Exception sendError) {
    try {
      store.delete(pointer);
    } catch (RuntimeException e) {
      if (sendError != null) {
        sendError.addSuppressed(e);
      }
      LOG.warn(
          "send to {} failed and its stored payload {} could not be deleted: {}",
          queueUrl,
          pointer,
          e.toString());
    }
  }

  // ---- receive ---------------------------------------------------------------------------------

  @Override
  public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
    ReceiveMessageResponse response = sqs.receiveMessage(rules.receiveRequest(request));
    if (!settings.payloadSupportEnabled() || !response.hasMessages()) {
      return response;
    }
    List<Message> messages = new ArrayList<>(response.messages().size());
    for (Message message : response.messages()) {
      resolve(request.queueUrl(), message).ifPresent(messages::add);
    }
    return response.toBuilder().messages(messages).build();
  }

  private Optional<Message> resolve(String queueUrl, Message message) {
    try {
      Optional<PayloadPointer> pointer = rules.pointerOf(message);
      if (pointer.isEmpty()) {
        return Optional.of(message);
      }
      return Optional.of(Offloading.resolved(message, pointer.get(), store.read(pointer.get())));
    } catch (ExtendedClientException e) {
      reportFailure(queueUrl, message, e);
      return Optional.empty();
    } catch (RuntimeException e) {
      reportFailure(
          queueUrl,
          message,
          new ExtendedClientException(
              "cannot resolve payload", queueUrl, message.messageId(), null, e));
      return Optional.empty();
    }
  }

  private void reportFailure(String queueUrl, Message message, ExtendedClientException error) {
    boolean deleted = false;
    if (settings.ignorePayloadNotFound() && error instanceof PayloadNotFoundException) {
      try {
        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        deleted = true;
      } catch (RuntimeException e) {
        error.addSuppressed(e);
      }
    }
    Failures.report(
        settings.listener(),
        new PayloadResolutionFailure(
            queueUrl, message.messageId(), message.receiptHandle(), error, deleted, message));
  }

  // ---- delete and visibility -------------------------------------------------------------------

  @Override
  public DeleteMessageResponse deleteMessage(DeleteMessageRequest request) {
    ReceiptHandles.Parsed handle = Offloading.parseHandle(request.receiptHandle());
    DeleteMessageResponse response =
        sqs.deleteMessage(request.toBuilder().receiptHandle(handle.original()).build());
    if (settings.cleanupPayload() && handle.pointer().isPresent()) {
      PayloadPointer pointer = handle.pointer().get();
      try {
        store.delete(pointer);
      } catch (PayloadNotAllowedException e) {
        Failures.logForeignPointer(LOG, request.queueUrl(), pointer);
      } catch (RuntimeException e) {
        throw new ExtendedClientException(
            "message deleted from SQS, but its payload could not be deleted",
            request.queueUrl(),
            null,
            pointer,
            e);
      }
    }
    return response;
  }

  @Override
  public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
    List<ReceiptHandles.Parsed> handles = Offloading.parseHandles(request);
    DeleteMessageBatchResponse response =
        sqs.deleteMessageBatch(Offloading.unwrapped(request, handles));
    if (!settings.cleanupPayload()) {
      return response;
    }
    Map<String, PayloadPointer> pointers = Failures.pointersById(request, handles);
    for (DeleteMessageBatchResultEntry deleted : response.successful()) {
      PayloadPointer pointer = pointers.get(deleted.id());
      if (pointer == null) {
        continue;
      }
      try {
        store.delete(pointer);
      } catch (PayloadNotAllowedException e) {
        Failures.logForeignPointer(LOG, request.queueUrl(), pointer);
      } catch (RuntimeException e) {
        Failures.logPayloadNotDeleted(LOG, request.queueUrl(), pointer, e);
      }
    }
    return response;
  }

  @Override
  public ChangeMessageVisibilityResponse changeMessageVisibility(
      ChangeMessageVisibilityRequest request) {
    return sqs.changeMessageVisibility(Offloading.unwrapped(request));
  }

  @Override
  public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(
      ChangeMessageVisibilityBatchRequest request) {
    return sqs.changeMessageVisibilityBatch(Offloading.unwrapped(request));
  }

  // ---- delegated unchanged ---------------------------------------------------------------------

  @Override
  public AddPermissionResponse addPermission(AddPermissionRequest request) {
    return sqs.addPermission(request);
  }

  @Override
  public CancelMessageMoveTaskResponse cancelMessageMoveTask(CancelMessageMoveTaskRequest request) {
    return sqs.cancelMessageMoveTask(request);
  }

  @Override
  public CreateQueueResponse createQueue(CreateQueueRequest request) {
    return sqs.createQueue(request);
  }

  @Override
  public DeleteQueueResponse deleteQueue(DeleteQueueRequest request) {
    return sqs.deleteQueue(request);
  }

  @Override
  public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
    return sqs.getQueueAttributes(request);
  }

  @Override
  public GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest request) {
    return sqs.getQueueUrl(request);
  }

  @Override
  public ListDeadLetterSourceQueuesResponse listDeadLetterSourceQueues(
      ListDeadLetterSourceQueuesRequest request) {
    return sqs.listDeadLetterSourceQueues(request);
  }

  @Override
  public ListDeadLetterSourceQueuesIterable listDeadLetterSourceQueuesPaginator(
      ListDeadLetterSourceQueuesRequest request) {
    return new ListDeadLetterSourceQueuesIterable(this, request);
  }

  @Override
  public ListMessageMoveTasksResponse listMessageMoveTasks(ListMessageMoveTasksRequest request) {
    return sqs.listMessageMoveTasks(request);
  }

  @Override
  public ListQueueTagsResponse listQueueTags(ListQueueTagsRequest request) {
    return sqs.listQueueTags(request);
  }

  @Override
  public ListQueuesResponse listQueues(ListQueuesRequest request) {
    return sqs.listQueues(request);
  }

  @Override
  public ListQueuesResponse listQueues() {
    return sqs.listQueues(ListQueuesRequest.builder().build());
  }

  @Override
  public ListQueuesIterable listQueuesPaginator() {
    return listQueuesPaginator(ListQueuesRequest.builder().build());
  }

  @Override
  public ListQueuesIterable listQueuesPaginator(ListQueuesRequest request) {
    return new ListQueuesIterable(this, request);
  }

  @Override
  public PurgeQueueResponse purgeQueue(PurgeQueueRequest request) {
    return sqs.purgeQueue(request);
  }

  @Override
  public RemovePermissionResponse removePermission(RemovePermissionRequest request) {
    return sqs.removePermission(request);
  }

  @Override
  public SetQueueAttributesResponse setQueueAttributes(SetQueueAttributesRequest request) {
    return sqs.setQueueAttributes(request);
  }

  @Override
  public StartMessageMoveTaskResponse startMessageMoveTask(StartMessageMoveTaskRequest request) {
    return sqs.startMessageMoveTask(request);
  }

  @Override
  public TagQueueResponse tagQueue(TagQueueRequest request) {
    return sqs.tagQueue(request);
  }

  @Override
  public UntagQueueResponse untagQueue(UntagQueueRequest request) {
    return sqs.untagQueue(request);
  }

  @Override
  public SqsServiceClientConfiguration serviceClientConfiguration() {
    return sqs.serviceClientConfiguration();
  }

  @Override
  public String serviceName() {
    return sqs.serviceName();
  }

  /** Does nothing: the wrapped client and the store's clients belong to the caller. */
  @Override
  public void close() {}

  /** Builds a {@link SqsExtendedClient}; not thread-safe. */
  public static final class Builder extends ExtendedClientBuilder<Builder> {
    private SqsClient sqsClient;

    private Builder() {}

    /** The client every call goes through (not closed by the extended client). Required. */
    public Builder sqsClient(SqsClient sqsClient) {
      this.sqsClient = sqsClient;
      return this;
    }

    /**
     * Validates the options and builds the client.
     *
     * @throws IllegalArgumentException naming the option and the rule when one is invalid
     */
    public SqsExtendedClient build() {
      Objects.requireNonNull(sqsClient, "sqsClient cannot be null");
      return new SqsExtendedClient(sqsClient, settings());
    }
  }
}
