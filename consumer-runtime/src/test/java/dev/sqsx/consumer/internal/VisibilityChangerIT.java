/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@LocalAws
class VisibilityChangerIT {

  @Test
  void anExtensionInFlight_landsBeforeTheReleaseAskedAfterIt_soTheMessageIsVisible(
      SqsClient sqs, AwsEndpoints endpoints, AwsResources aws) throws Exception {
    String queueUrl =
        aws.createQueue("ordered", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "30"));
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("held"));
    Message message =
        sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(2)).messages().get(0);
    long now = System.currentTimeMillis();
    Lease lease = new Lease(new ReceivedMessage(message, queueUrl, null), now, now + 30_000);
    // The first visibility change (the extension) is slow on the wire; the second is not.
    AtomicInteger changes = new AtomicInteger();
    CountDownLatch slowOneSent = new CountDownLatch(1);
    ExecutionInterceptor slowFirst =
        new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(
              Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (context.request() instanceof ChangeMessageVisibilityBatchRequest
                && changes.incrementAndGet() == 1) {
              slowOneSent.countDown();
              try {
                Thread.sleep(1_000); // the network is slow for this one request
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    try (SqsAsyncClient client =
        endpoints
            .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
            .overrideConfiguration(o -> o.addExecutionInterceptor(slowFirst))
            .build()) {
      VisibilityChanger changer = new VisibilityChanger(client, queueUrl);

      CompletableFuture<List<VisibilityChanger.Outcome>> extension =
          changer.change(List.of(lease), l -> 30);
      assertThat(slowOneSent.await(5, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<List<VisibilityChanger.Outcome>> release =
          changer.change(List.of(lease), l -> 0);
      extension.get(10, TimeUnit.SECONDS);
      release.get(10, TimeUnit.SECONDS);
    }

    assertThat(sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(2)).messages())
        .as("released after the extension, so visible again")
        .extracting(Message::body)
        .containsExactly("held");
  }
}
