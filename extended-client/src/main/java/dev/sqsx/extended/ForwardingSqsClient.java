/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsServiceClientConfiguration;
import software.amazon.awssdk.services.sqs.model.AddPermissionRequest;
import software.amazon.awssdk.services.sqs.model.AddPermissionResponse;
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
import software.amazon.awssdk.services.sqs.model.PurgeQueueRequest;
import software.amazon.awssdk.services.sqs.model.PurgeQueueResponse;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.RemovePermissionRequest;
import software.amazon.awssdk.services.sqs.model.RemovePermissionResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
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
 * An {@link SqsClient} that forwards every operation to another one: the extended client overrides
 * the operations it changes and inherits the rest, so its own file holds only its logic. Paginators
 * are built on {@code this}, so their pages go through the subclass.
 */
abstract class ForwardingSqsClient implements SqsClient {

  /** The client every call goes to. */
  protected final SqsClient delegate;

  protected ForwardingSqsClient(SqsClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public SendMessageResponse sendMessage(SendMessageRequest request) {
    return delegate.sendMessage(request);
  }

  @Override
  public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
    return delegate.sendMessageBatch(request);
  }

  @Override
  public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
    return delegate.receiveMessage(request);
  }

  @Override
  public DeleteMessageResponse deleteMessage(DeleteMessageRequest request) {
    return delegate.deleteMessage(request);
  }

  @Override
  public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
    return delegate.deleteMessageBatch(request);
  }

  @Override
  public ChangeMessageVisibilityResponse changeMessageVisibility(
      ChangeMessageVisibilityRequest request) {
    return delegate.changeMessageVisibility(request);
  }

  @Override
  public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(
      ChangeMessageVisibilityBatchRequest request) {
    return delegate.changeMessageVisibilityBatch(request);
  }

  @Override
  public AddPermissionResponse addPermission(AddPermissionRequest request) {
    return delegate.addPermission(request);
  }

  @Override
  public CancelMessageMoveTaskResponse cancelMessageMoveTask(CancelMessageMoveTaskRequest request) {
    return delegate.cancelMessageMoveTask(request);
  }

  @Override
  public CreateQueueResponse createQueue(CreateQueueRequest request) {
    return delegate.createQueue(request);
  }

  @Override
  public DeleteQueueResponse deleteQueue(DeleteQueueRequest request) {
    return delegate.deleteQueue(request);
  }

  @Override
  public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
    return delegate.getQueueAttributes(request);
  }

  @Override
  public GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest request) {
    return delegate.getQueueUrl(request);
  }

  @Override
  public ListDeadLetterSourceQueuesResponse listDeadLetterSourceQueues(
      ListDeadLetterSourceQueuesRequest request) {
    return delegate.listDeadLetterSourceQueues(request);
  }

  @Override
  public ListDeadLetterSourceQueuesIterable listDeadLetterSourceQueuesPaginator(
      ListDeadLetterSourceQueuesRequest request) {
    return new ListDeadLetterSourceQueuesIterable(this, request);
  }

  @Override
  public ListMessageMoveTasksResponse listMessageMoveTasks(ListMessageMoveTasksRequest request) {
    return delegate.listMessageMoveTasks(request);
  }

  @Override
  public ListQueueTagsResponse listQueueTags(ListQueueTagsRequest request) {
    return delegate.listQueueTags(request);
  }

  @Override
  public ListQueuesResponse listQueues(ListQueuesRequest request) {
    return delegate.listQueues(request);
  }

  @Override
  public ListQueuesResponse listQueues() {
    return delegate.listQueues(ListQueuesRequest.builder().build());
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
    return delegate.purgeQueue(request);
  }

  @Override
  public RemovePermissionResponse removePermission(RemovePermissionRequest request) {
    return delegate.removePermission(request);
  }

  @Override
  public SetQueueAttributesResponse setQueueAttributes(SetQueueAttributesRequest request) {
    return delegate.setQueueAttributes(request);
  }

  @Override
  public StartMessageMoveTaskResponse startMessageMoveTask(StartMessageMoveTaskRequest request) {
    return delegate.startMessageMoveTask(request);
  }

  @Override
  public TagQueueResponse tagQueue(TagQueueRequest request) {
    return delegate.tagQueue(request);
  }

  @Override
  public UntagQueueResponse untagQueue(UntagQueueRequest request) {
    return delegate.untagQueue(request);
  }

  /** Does nothing: the wrapped client and the store's clients belong to the caller. */
  @Override
  public SqsServiceClientConfiguration serviceClientConfiguration() {
    return delegate.serviceClientConfiguration();
  }

  @Override
  public String serviceName() {
    return delegate.serviceName();
  }

  /** Closes the delegate. */
  @Override
  public void close() {
    delegate.close();
  }
}
