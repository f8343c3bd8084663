/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.SnsServiceClientConfiguration;
import software.amazon.awssdk.services.sns.model.AddPermissionRequest;
import software.amazon.awssdk.services.sns.model.AddPermissionResponse;
import software.amazon.awssdk.services.sns.model.CheckIfPhoneNumberIsOptedOutRequest;
import software.amazon.awssdk.services.sns.model.CheckIfPhoneNumberIsOptedOutResponse;
import software.amazon.awssdk.services.sns.model.ConfirmSubscriptionRequest;
import software.amazon.awssdk.services.sns.model.ConfirmSubscriptionResponse;
import software.amazon.awssdk.services.sns.model.CreatePlatformApplicationRequest;
import software.amazon.awssdk.services.sns.model.CreatePlatformApplicationResponse;
import software.amazon.awssdk.services.sns.model.CreatePlatformEndpointRequest;
import software.amazon.awssdk.services.sns.model.CreatePlatformEndpointResponse;
import software.amazon.awssdk.services.sns.model.CreateSmsSandboxPhoneNumberRequest;
import software.amazon.awssdk.services.sns.model.CreateSmsSandboxPhoneNumberResponse;
import software.amazon.awssdk.services.sns.model.CreateTopicRequest;
import software.amazon.awssdk.services.sns.model.CreateTopicResponse;
import software.amazon.awssdk.services.sns.model.DeleteEndpointRequest;
import software.amazon.awssdk.services.sns.model.DeleteEndpointResponse;
import software.amazon.awssdk.services.sns.model.DeletePlatformApplicationRequest;
import software.amazon.awssdk.services.sns.model.DeletePlatformApplicationResponse;
import software.amazon.awssdk.services.sns.model.DeleteSmsSandboxPhoneNumberRequest;
import software.amazon.awssdk.services.sns.model.DeleteSmsSandboxPhoneNumberResponse;
import software.amazon.awssdk.services.sns.model.DeleteTopicRequest;
import software.amazon.awssdk.services.sns.model.DeleteTopicResponse;
import software.amazon.awssdk.services.sns.model.GetDataProtectionPolicyRequest;
import software.amazon.awssdk.services.sns.model.GetDataProtectionPolicyResponse;
import software.amazon.awssdk.services.sns.model.GetEndpointAttributesRequest;
import software.amazon.awssdk.services.sns.model.GetEndpointAttributesResponse;
import software.amazon.awssdk.services.sns.model.GetPlatformApplicationAttributesRequest;
import software.amazon.awssdk.services.sns.model.GetPlatformApplicationAttributesResponse;
import software.amazon.awssdk.services.sns.model.GetSmsAttributesRequest;
import software.amazon.awssdk.services.sns.model.GetSmsAttributesResponse;
import software.amazon.awssdk.services.sns.model.GetSmsSandboxAccountStatusRequest;
import software.amazon.awssdk.services.sns.model.GetSmsSandboxAccountStatusResponse;
import software.amazon.awssdk.services.sns.model.GetSubscriptionAttributesRequest;
import software.amazon.awssdk.services.sns.model.GetSubscriptionAttributesResponse;
import software.amazon.awssdk.services.sns.model.GetTopicAttributesRequest;
import software.amazon.awssdk.services.sns.model.GetTopicAttributesResponse;
import software.amazon.awssdk.services.sns.model.ListEndpointsByPlatformApplicationRequest;
import software.amazon.awssdk.services.sns.model.ListEndpointsByPlatformApplicationResponse;
import software.amazon.awssdk.services.sns.model.ListOriginationNumbersRequest;
import software.amazon.awssdk.services.sns.model.ListOriginationNumbersResponse;
import software.amazon.awssdk.services.sns.model.ListPhoneNumbersOptedOutRequest;
import software.amazon.awssdk.services.sns.model.ListPhoneNumbersOptedOutResponse;
import software.amazon.awssdk.services.sns.model.ListPlatformApplicationsRequest;
import software.amazon.awssdk.services.sns.model.ListPlatformApplicationsResponse;
import software.amazon.awssdk.services.sns.model.ListSmsSandboxPhoneNumbersRequest;
import software.amazon.awssdk.services.sns.model.ListSmsSandboxPhoneNumbersResponse;
import software.amazon.awssdk.services.sns.model.ListSubscriptionsByTopicRequest;
import software.amazon.awssdk.services.sns.model.ListSubscriptionsByTopicResponse;
import software.amazon.awssdk.services.sns.model.ListSubscriptionsRequest;
import software.amazon.awssdk.services.sns.model.ListSubscriptionsResponse;
import software.amazon.awssdk.services.sns.model.ListTagsForResourceRequest;
import software.amazon.awssdk.services.sns.model.ListTagsForResourceResponse;
import software.amazon.awssdk.services.sns.model.ListTopicsRequest;
import software.amazon.awssdk.services.sns.model.ListTopicsResponse;
import software.amazon.awssdk.services.sns.model.OptInPhoneNumberRequest;
import software.amazon.awssdk.services.sns.model.OptInPhoneNumberResponse;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sns.model.PutDataProtectionPolicyRequest;
import software.amazon.awssdk.services.sns.model.PutDataProtectionPolicyResponse;
import software.amazon.awssdk.services.sns.model.RemovePermissionRequest;
import software.amazon.awssdk.services.sns.model.RemovePermissionResponse;
import software.amazon.awssdk.services.sns.model.SetEndpointAttributesRequest;
import software.amazon.awssdk.services.sns.model.SetEndpointAttributesResponse;
import software.amazon.awssdk.services.sns.model.SetPlatformApplicationAttributesRequest;
import software.amazon.awssdk.services.sns.model.SetPlatformApplicationAttributesResponse;
import software.amazon.awssdk.services.sns.model.SetSmsAttributesRequest;
import software.amazon.awssdk.services.sns.model.SetSmsAttributesResponse;
import software.amazon.awssdk.services.sns.model.SetSubscriptionAttributesRequest;
import software.amazon.awssdk.services.sns.model.SetSubscriptionAttributesResponse;
import software.amazon.awssdk.services.sns.model.SetTopicAttributesRequest;
import software.amazon.awssdk.services.sns.model.SetTopicAttributesResponse;
import software.amazon.awssdk.services.sns.model.SubscribeRequest;
import software.amazon.awssdk.services.sns.model.SubscribeResponse;
import software.amazon.awssdk.services.sns.model.TagResourceRequest;
import software.amazon.awssdk.services.sns.model.TagResourceResponse;
import software.amazon.awssdk.services.sns.model.UnsubscribeRequest;
import software.amazon.awssdk.services.sns.model.UnsubscribeResponse;
import software.amazon.awssdk.services.sns.model.UntagResourceRequest;
import software.amazon.awssdk.services.sns.model.UntagResourceResponse;
import software.amazon.awssdk.services.sns.model.VerifySmsSandboxPhoneNumberRequest;
import software.amazon.awssdk.services.sns.model.VerifySmsSandboxPhoneNumberResponse;
import software.amazon.awssdk.services.sns.paginators.ListEndpointsByPlatformApplicationIterable;
import software.amazon.awssdk.services.sns.paginators.ListOriginationNumbersIterable;
import software.amazon.awssdk.services.sns.paginators.ListPhoneNumbersOptedOutIterable;
import software.amazon.awssdk.services.sns.paginators.ListPlatformApplicationsIterable;
import software.amazon.awssdk.services.sns.paginators.ListSMSSandboxPhoneNumbersIterable;
import software.amazon.awssdk.services.sns.paginators.ListSubscriptionsByTopicIterable;
import software.amazon.awssdk.services.sns.paginators.ListSubscriptionsIterable;
import software.amazon.awssdk.services.sns.paginators.ListTopicsIterable;

/**
 * An {@link SnsClient} that forwards every operation to another one (the 42 operations of SDK
 * 2.57.8's interface, listed from it): the extended client overrides the operations it changes and
 * inherits the rest, so its own file holds only its logic. Paginators are built on {@code this}.
 */
abstract class ForwardingSnsClient implements SnsClient {

  /** The client every call goes to. */
  protected final SnsClient delegate;

  protected ForwardingSnsClient(SnsClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public AddPermissionResponse addPermission(AddPermissionRequest request) {
    return delegate.addPermission(request);
  }

  @Override
  public CheckIfPhoneNumberIsOptedOutResponse checkIfPhoneNumberIsOptedOut(
      CheckIfPhoneNumberIsOptedOutRequest request) {
    return delegate.checkIfPhoneNumberIsOptedOut(request);
  }

  @Override
  public ConfirmSubscriptionResponse confirmSubscription(ConfirmSubscriptionRequest request) {
    return delegate.confirmSubscription(request);
  }

  @Override
  public CreatePlatformApplicationResponse createPlatformApplication(
      CreatePlatformApplicationRequest request) {
    return delegate.createPlatformApplication(request);
  }

  @Override
  public CreatePlatformEndpointResponse createPlatformEndpoint(
      CreatePlatformEndpointRequest request) {
    return delegate.createPlatformEndpoint(request);
  }

  @Override
  public CreateSmsSandboxPhoneNumberResponse createSMSSandboxPhoneNumber(
      CreateSmsSandboxPhoneNumberRequest request) {
    return delegate.createSMSSandboxPhoneNumber(request);
  }

  @Override
  public CreateTopicResponse createTopic(CreateTopicRequest request) {
    return delegate.createTopic(request);
  }

  @Override
  public DeleteEndpointResponse deleteEndpoint(DeleteEndpointRequest request) {
    return delegate.deleteEndpoint(request);
  }

  @Override
  public DeletePlatformApplicationResponse deletePlatformApplication(
      DeletePlatformApplicationRequest request) {
    return delegate.deletePlatformApplication(request);
  }

  @Override
  public DeleteSmsSandboxPhoneNumberResponse deleteSMSSandboxPhoneNumber(
      DeleteSmsSandboxPhoneNumberRequest request) {
    return delegate.deleteSMSSandboxPhoneNumber(request);
  }

  @Override
  public DeleteTopicResponse deleteTopic(DeleteTopicRequest request) {
    return delegate.deleteTopic(request);
  }

  @Override
  public GetDataProtectionPolicyResponse getDataProtectionPolicy(
      GetDataProtectionPolicyRequest request) {
    return delegate.getDataProtectionPolicy(request);
  }

  @Override
  public GetEndpointAttributesResponse getEndpointAttributes(GetEndpointAttributesRequest request) {
    return delegate.getEndpointAttributes(request);
  }

  @Override
  public GetPlatformApplicationAttributesResponse getPlatformApplicationAttributes(
      GetPlatformApplicationAttributesRequest request) {
    return delegate.getPlatformApplicationAttributes(request);
  }

  @Override
  public GetSmsAttributesResponse getSMSAttributes(GetSmsAttributesRequest request) {
    return delegate.getSMSAttributes(request);
  }

  @Override
  public GetSmsSandboxAccountStatusResponse getSMSSandboxAccountStatus(
      GetSmsSandboxAccountStatusRequest request) {
    return delegate.getSMSSandboxAccountStatus(request);
  }

  @Override
  public GetSubscriptionAttributesResponse getSubscriptionAttributes(
      GetSubscriptionAttributesRequest request) {
    return delegate.getSubscriptionAttributes(request);
  }

  @Override
  public GetTopicAttributesResponse getTopicAttributes(GetTopicAttributesRequest request) {
    return delegate.getTopicAttributes(request);
  }

  @Override
  public ListEndpointsByPlatformApplicationResponse listEndpointsByPlatformApplication(
      ListEndpointsByPlatformApplicationRequest request) {
    return delegate.listEndpointsByPlatformApplication(request);
  }

  @Override
  public ListOriginationNumbersResponse listOriginationNumbers(
      ListOriginationNumbersRequest request) {
    return delegate.listOriginationNumbers(request);
  }

  @Override
  public ListPhoneNumbersOptedOutResponse listPhoneNumbersOptedOut(
      ListPhoneNumbersOptedOutRequest request) {
    return delegate.listPhoneNumbersOptedOut(request);
  }

  @Override
  public ListPlatformApplicationsResponse listPlatformApplications(
      ListPlatformApplicationsRequest request) {
    return delegate.listPlatformApplications(request);
  }

  @Override
  public ListSmsSandboxPhoneNumbersResponse listSMSSandboxPhoneNumbers(
      ListSmsSandboxPhoneNumbersRequest request) {
    return delegate.listSMSSandboxPhoneNumbers(request);
  }

  @Override
  public ListSubscriptionsResponse listSubscriptions(ListSubscriptionsRequest request) {
    return delegate.listSubscriptions(request);
  }

  @Override
  public ListSubscriptionsByTopicResponse listSubscriptionsByTopic(
      ListSubscriptionsByTopicRequest request) {
    return delegate.listSubscriptionsByTopic(request);
  }

  @Override
  public ListTagsForResourceResponse listTagsForResource(ListTagsForResourceRequest request) {
    return delegate.listTagsForResource(request);
  }

  @Override
  public ListTopicsResponse listTopics(ListTopicsRequest request) {
    return delegate.listTopics(request);
  }

  @Override
  public OptInPhoneNumberResponse optInPhoneNumber(OptInPhoneNumberRequest request) {
    return delegate.optInPhoneNumber(request);
  }

  @Override
  public PublishResponse publish(PublishRequest request) {
    return delegate.publish(request);
  }

  @Override
  public PublishBatchResponse publishBatch(PublishBatchRequest request) {
    return delegate.publishBatch(request);
  }

  @Override
  public PutDataProtectionPolicyResponse putDataProtectionPolicy(
      PutDataProtectionPolicyRequest request) {
    return delegate.putDataProtectionPolicy(request);
  }

  @Override
  public RemovePermissionResponse removePermission(RemovePermissionRequest request) {
    return delegate.removePermission(request);
  }

  @Override
  public SetEndpointAttributesResponse setEndpointAttributes(SetEndpointAttributesRequest request) {
    return delegate.setEndpointAttributes(request);
  }

  @Override
  public SetPlatformApplicationAttributesResponse setPlatformApplicationAttributes(
      SetPlatformApplicationAttributesRequest request) {
    return delegate.setPlatformApplicationAttributes(request);
  }

  @Override
  public SetSmsAttributesResponse setSMSAttributes(SetSmsAttributesRequest request) {
    return delegate.setSMSAttributes(request);
  }

  @Override
  public SetSubscriptionAttributesResponse setSubscriptionAttributes(
      SetSubscriptionAttributesRequest request) {
    return delegate.setSubscriptionAttributes(request);
  }

  @Override
  public SetTopicAttributesResponse setTopicAttributes(SetTopicAttributesRequest request) {
    return delegate.setTopicAttributes(request);
  }

  @Override
  public SubscribeResponse subscribe(SubscribeRequest request) {
    return delegate.subscribe(request);
  }

  @Override
  public TagResourceResponse tagResource(TagResourceRequest request) {
    return delegate.tagResource(request);
  }

  @Override
  public UnsubscribeResponse unsubscribe(UnsubscribeRequest request) {
    return delegate.unsubscribe(request);
  }

  @Override
  public UntagResourceResponse untagResource(UntagResourceRequest request) {
    return delegate.untagResource(request);
  }

  @Override
  public VerifySmsSandboxPhoneNumberResponse verifySMSSandboxPhoneNumber(
      VerifySmsSandboxPhoneNumberRequest request) {
    return delegate.verifySMSSandboxPhoneNumber(request);
  }

  @Override
  public ListEndpointsByPlatformApplicationIterable listEndpointsByPlatformApplicationPaginator(
      ListEndpointsByPlatformApplicationRequest request) {
    return new ListEndpointsByPlatformApplicationIterable(this, request);
  }

  @Override
  public ListOriginationNumbersIterable listOriginationNumbersPaginator(
      ListOriginationNumbersRequest request) {
    return new ListOriginationNumbersIterable(this, request);
  }

  @Override
  public ListPhoneNumbersOptedOutIterable listPhoneNumbersOptedOutPaginator(
      ListPhoneNumbersOptedOutRequest request) {
    return new ListPhoneNumbersOptedOutIterable(this, request);
  }

  @Override
  public ListPlatformApplicationsIterable listPlatformApplicationsPaginator(
      ListPlatformApplicationsRequest request) {
    return new ListPlatformApplicationsIterable(this, request);
  }

  @Override
  public ListSMSSandboxPhoneNumbersIterable listSMSSandboxPhoneNumbersPaginator(
      ListSmsSandboxPhoneNumbersRequest request) {
    return new ListSMSSandboxPhoneNumbersIterable(this, request);
  }

  @Override
  public ListSubscriptionsIterable listSubscriptionsPaginator(ListSubscriptionsRequest request) {
    return new ListSubscriptionsIterable(this, request);
  }

  @Override
  public ListSubscriptionsByTopicIterable listSubscriptionsByTopicPaginator(
      ListSubscriptionsByTopicRequest request) {
    return new ListSubscriptionsByTopicIterable(this, request);
  }

  @Override
  public ListTopicsIterable listTopicsPaginator(ListTopicsRequest request) {
    return new ListTopicsIterable(this, request);
  }

  @Override
  public SnsServiceClientConfiguration serviceClientConfiguration() {
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
