/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Replies completed on the thread that received them: dependent stages that throw, block on another
 * request, or outlive a crashed requester.
 */
@LocalAws
class ReplyCompletionsIT {

  @Test
  void dependentStagesThatThrow_onTheReceivingThread_failOnlyThemselves_pollingAndDeletesGoOn(
      SqsAsyncClient sqsAsync, AwsResources aws) throws Exception {
    String requests = aws.createQueue();
    String replies = aws.createQueue();
    try (SqsConsumer responder = responder(sqsAsync, requests);
        SqsRequester requester =
            requester(sqsAsync, aws)
                .replyQueueUrl(replies)
                .pollers(1)
                .deleteInterval(Duration.ofMillis(100))
                .build()) {
      responder.start();
      requester.start();
      List<CompletableFuture<Reply>> futures = new ArrayList<>();
      List<CompletableFuture<Void>> stages = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        CompletableFuture<Reply> future =
            requester.request(requests, "t" + i, Duration.ofSeconds(30));
        futures.add(future);
        stages.add(
            future.thenAccept(
                reply -> {
                  throw new AssertionError("injected: a stage that throws an Error");
                }));
      }

      for (int i = 0; i < 5; i++) {
        assertThat(futures.get(i).get(30, TimeUnit.SECONDS).body()).isEqualTo("re:t" + i);
        assertThat(stages.get(i)).failsWithin(Duration.ofSeconds(30));
      }
      // the single loop still receives, and every reply read is deleted
      assertThat(requester.request(requests, "after", Duration.ofSeconds(30)).join().body())
          .isEqualTo("re:after");
      await().atMost(Duration.ofSeconds(30)).until(() -> aws.messagesIn(replies) == 0);
      RequesterStats stats = requester.stats();
      assertThat(stats.replies()).isEqualTo(6);
      assertThat(stats.failedReplyDeletes()).isZero();
    }
  }

  @Test
  void aStageThatWaitsForAnotherRequest_onTheReceivingThread_getsItsReply_withOnePollLoop(
      SqsAsyncClient sqsAsync, AwsResources aws) throws Exception {
    String requests = aws.createQueue();
    try (SqsConsumer responder = responder(sqsAsync, requests);
        SqsRequester requester = requester(sqsAsync, aws).pollers(1).build()) {
      responder.start();
      requester.start();

      CompletableFuture<String> nested =
          requester
              .request(requests, "outer", Duration.ofSeconds(30))
              .thenApply(
                  outer ->
                      outer.body()
                          + "+"
                          + requester
                              .request(requests, "inner", Duration.ofSeconds(20))
                              .join()
                              .body());

      assertThat(nested.get(60, TimeUnit.SECONDS)).isEqualTo("re:outer+re:inner");
      assertThat(requester.stats().timeouts()).isZero();
    }
  }

  @Test
  void aReplyDeliveredButNeverDeleted_requesterKilled_comesBackAndIsDeliveredToNoOtherRequest(
      SqsAsyncClient sqsAsync, AwsEndpoints endpoints, AwsResources aws) throws Exception {
    String requests = aws.createQueue();
    String unanswered = aws.createQueue(); // nobody answers requests sent there
    // an application's reply queue shared by a requester that is killed and its successor
    String replies = aws.createQueue("replies", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "2"));
    try (SqsConsumer responder = responder(sqsAsync, requests)) {
      responder.start();
      SqsAsyncClient killedClient =
          endpoints.configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint()).build();
      SqsRequester killed =
          requester(killedClient, aws)
              .replyQueueUrl(replies)
              .deleteInterval(Duration.ofSeconds(10))
              .build();
      killed.start();
      assertThat(killed.request(requests, "k", Duration.ofSeconds(30)).join().body())
          .isEqualTo("re:k");
      assertThat(killed.pendingDeletes()).isEqualTo(1);
      killed.halt(); // the process dies: its batched delete is never sent
      killedClient.close(); // and its long polls with it

      try (SqsRequester successor = requester(sqsAsync, aws).replyQueueUrl(replies).build()) {
        successor.start();
        CompletableFuture<Reply> waiting =
            successor.request(unanswered, "w", Duration.ofSeconds(60));

        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> successor.stats().unroutableReplies() == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> aws.messagesIn(replies) == 0);
        assertThat(waiting).isNotDone();
        assertThat(successor.stats().replies()).isZero();
      }
    }
  }

  private static SqsConsumer responder(SqsAsyncClient sqs, String requests) {
    return SqsConsumer.builder()
        .sqsClient(sqs)
        .queueUrl(requests)
        .concurrency(4)
        .waitTime(Duration.ofSeconds(1))
        .asyncHandler(
            SqsResponder.builder()
                .sqsClient(sqs)
                .handler(request -> ReplyMessage.of("re:" + request.body()))
                .build())
        .build();
  }

  private static SqsRequester.Builder requester(SqsAsyncClient sqs, AwsResources aws) {
    return SqsRequester.builder()
        .sqsClient(sqs)
        .replyQueuePrefix(aws.uniqueName("rq") + "-")
        .waitTime(Duration.ofSeconds(2));
  }
}
