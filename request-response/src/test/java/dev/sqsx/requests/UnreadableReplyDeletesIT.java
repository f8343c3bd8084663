/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** The delete of a reply the extended client could not read is a reply delete like the others. */
@LocalAws
class UnreadableReplyDeletesIT {

  @Test
  void anUnreadableReplyWhoseDeleteFails_isCountedAsAFailedReplyDelete(
      SqsClient sqs, S3AsyncClient s3Async, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    ExecutionInterceptor refusingDeletes =
        new ExecutionInterceptor() {
          @Override
          public SdkRequest modifyRequest(
              Context.ModifyRequest context, ExecutionAttributes attributes) {
            if (context.request() instanceof DeleteMessageRequest) {
              throw new IllegalStateException("injected: delete refused");
            }
            return context.request();
          }
        };
    try (SqsAsyncClient refusing =
            endpoints
                .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
                .overrideConfiguration(c -> c.addExecutionInterceptor(refusingDeletes))
                .build();
        SqsRequester requester =
            SqsRequester.builder()
                .sqsClient(
                    SqsExtendedAsyncClient.builder()
                        .sqsClient(refusing)
                        .payloadStore(
                            S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
                        .build())
                .replyQueuePrefix(aws.uniqueName("rq") + "-")
                .waitTime(Duration.ofSeconds(2))
                .build()) {
      requester.start();
      // a reply whose body claims to be an offloaded payload but is no pointer
      sqs.sendMessage(
          r ->
              r.queueUrl(requester.replyQueueUrl())
                  .messageBody("//:%")
                  .messageAttributes(
                      Map.of(
                          "ExtendedPayloadSize",
                          MessageAttributeValue.builder()
                              .dataType("Number")
                              .stringValue("10")
                              .build(),
                          SqsRequester.CORRELATION_ID_ATTRIBUTE,
                          MessageAttributeValue.builder()
                              .dataType("String")
                              .stringValue("nobody-waits-for-this")
                              .build())));

      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> requester.stats().unroutableReplies() >= 1);
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> requester.stats().failedReplyDeletes() >= 1);
      assertThat(requester.stats().replies()).isZero();
    }
  }
}
