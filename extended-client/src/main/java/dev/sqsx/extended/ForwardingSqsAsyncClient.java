/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
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
import software.amazon.awssdk.services.sqs.paginators.ListDeadLetterSourceQueuesPublisher;
import software.amazon.awssdk.services.sqs.paginators.ListQueuesPublisher;

/**
 * An {@link SqsAsyncClient} that forwards every operation to another one: the extended client
 * overrides the operations it changes and inherits the rest, so its own file holds only its logic.
 * Paginators are built on {@code this}, so their pages go through the subclass.
 */
abstract class ForwardingSqsAsyncClient implements SqsAsyncClient {

  /** The client every call goes to. */
  protected final SqsAsyncClient delegate;

  protected ForwardingSqsAsyncClient(SqsAsyncClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest request) {
    return delegate.sendMessage(request);
  }

  @Override
  public CompletableFuture<SendMessageBatchResponse> sendMessageBatch(
      SendMessageBatchRequest request) {
    return delegate.sendMessageBatch(request);
  }

  @Override
  public CompletableFuture<ReceiveMessageResponse> receiveMessage(ReceiveMessageRequest request) {
    return delegate.receiveMessage(request);
  }

  @Override
  public CompletableFuture<DeleteMessageResponse> deleteMessage(DeleteMessageRequest request) {
    return delegate.deleteMessage(request);
  }

  @Override
  public CompletableFuture<DeleteMessageBatchResponse> deleteMessageBatch(
      DeleteMessageBatchRequest request) {
    return delegate.deleteMessageBatch(request);
  }

  @Override
  public CompletableFuture<ChangeMessageVisibilityResponse> changeMessageVisibility(
      ChangeMessageVisibilityRequest request) {
    return delegate.changeMessageVisibility(request);
  }

  @Override
  public CompletableFuture<ChangeMessageVisibilityBatchResponse> changeMessageVisibilityBatch(
      ChangeMessageVisibilityBatchRequest request) {
    return delegate.changeMessageVisibilityBatch(request);
  }

  @Override
  public CompletableFuture<AddPermissionResponse> addPermission(AddPermissionRequest request) {
    return delegate.addPermission(request);
  }

  @Override
  public CompletableFuture<CancelMessageMoveTaskResponse> cancelMessageMoveTask(
      CancelMessageMoveTaskRequest request) {
    return delegate.cancelMessageMoveTask(request);
  }

  @Override
  public CompletableFuture<CreateQueueResponse> createQueue(CreateQueueRequest request) {
    return delegate.createQueue(request);
  }

  @Override
  public CompletableFuture<DeleteQueueResponse> deleteQueue(DeleteQueueRequest request) {
    return delegate.deleteQueue(request);
  }

  @Override
  public CompletableFuture<GetQueueAttributesResponse> getQueueAttributes(
      GetQueueAttributesRequest request) {
    return delegate.getQueueAttributes(request);
  }

  @Override
  public CompletableFuture<GetQueueUrlResponse> getQueueUrl(GetQueueUrlRequest request) {
    return delegate.getQueueUrl(request);
  }

  @Override
  public CompletableFuture<ListDeadLetterSourceQueuesResponse> listDeadLetterSourceQueues(
      ListDeadLetterSourceQueuesRequest request) {
    return delegate.listDeadLetterSourceQueues(request);
  }

  @Override
  public ListDeadLetterSourceQueuesPublisher listDeadLetterSourceQueuesPaginator(
      ListDeadLetterSourceQueuesRequest request) {
    return new ListDeadLetterSourceQueuesPublisher(this, request);
  }

  @Override
  public CompletableFuture<ListMessageMoveTasksResponse> listMessageMoveTasks(
      ListMessageMoveTasksRequest request) {
    return delegate.listMessageMoveTasks(request);
  }

  @Override
  public CompletableFuture<ListQueueTagsResponse> listQueueTags(ListQueueTagsRequest request) {
    return delegate.listQueueTags(request);
  }

  @Override
  public CompletableFuture<ListQueuesResponse> listQueues(ListQueuesRequest request) {
    return delegate.listQueues(request);
  }

  @Override
  public CompletableFuture<ListQueuesResponse> listQueues() {
    return delegate.listQueues(ListQueuesRequest.builder().build());
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
    return delegate.purgeQueue(request);
  }

  @Override
  public CompletableFuture<RemovePermissionResponse> removePermission(
      RemovePermissionRequest request) {
    return delegate.removePermission(request);
  }

  @Override
  public CompletableFuture<SetQueueAttributesResponse> setQueueAttributes(
      SetQueueAttributesRequest request) {
    return delegate.setQueueAttributes(request);
  }

  @Override
  public CompletableFuture<StartMessageMoveTaskResponse> startMessageMoveTask(
      StartMessageMoveTaskRequest request) {
    return delegate.startMessageMoveTask(request);
  }

  @Override
  public CompletableFuture<TagQueueResponse> tagQueue(TagQueueRequest request) {
    return delegate.tagQueue(request);
  }

  @Override
  public CompletableFuture<UntagQueueResponse> untagQueue(UntagQueueRequest request) {
    return delegate.untagQueue(request);
  }

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
