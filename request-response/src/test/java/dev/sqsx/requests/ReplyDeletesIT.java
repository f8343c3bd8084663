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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The requester's reply deletes: gathered across receives into {@code DeleteMessageBatch} calls of
 * up to 10 (by size, or after {@code deleteInterval}), sent by {@code close()} on an application's
 * queue and skipped on a created one, and a reply that comes back because its delete was late or
 * failed dropped as a duplicate. Requests are counted per operation by an interceptor on the
 * requester's client.
 */
@LocalAws
class ReplyDeletesIT {

  @Test
  void sequentialRoundTrips_deleteTheirRepliesTenPerBatch_neverOneByOne(
      SqsAsyncClient sqsAsync, AwsEndpoints endpoints, AwsResources aws) {
    String requests = aws.createQueue();
    Counting counting = new Counting();
    try (SqsAsyncClient counted = client(endpoints, counting);
        SqsConsumer responder = responder(sqsAsync, requests);
        SqsRequester requester =
            requester(counted, aws).deleteInterval(Duration.ofSeconds(10)).build()) {
      responder.start();
      requester.start();

      for (int i = 0; i < 20; i++) { // one at a time: each receive brings one reply
        assertThat(requester.request(requests, "r" + i, Duration.ofSeconds(30)).join().body())
            .isEqualTo("re:r" + i);
      }

      await().atMost(Duration.ofSeconds(10)).until(() -> counting.deletedEntries.sum() == 20);
      assertThat(counting.calls("DeleteMessageBatch")).isEqualTo(2);
      assertThat(counting.batchSizes).containsExactly(10, 10);
      assertThat(counting.calls("DeleteMessage")).isZero();
      assertThat(counting.calls("ReceiveMessage")).isGreaterThanOrEqualTo(20);
      assertThat(requester.stats().failedReplyDeletes()).isZero();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> aws.messagesIn(requester.replyQueueUrl()) == 0);
    }
  }

  @Test
  void fewerThanTenReplies_areDeletedOnceTheIntervalHasPassed(
      SqsAsyncClient sqsAsync, AwsEndpoints endpoints, AwsResources aws) {
    String requests = aws.createQueue();
    Counting counting = new Counting();
    try (SqsAsyncClient counted = client(endpoints, counting);
        SqsConsumer responder = responder(sqsAsync, requests);
        SqsRequester requester =
            requester(counted, aws).deleteInterval(Duration.ofMillis(300)).build()) {
      responder.start();
      requester.start();

      for (int i = 0; i < 3; i++) {
        assertThat(requester.request(requests, "r" + i, Duration.ofSeconds(30)).join().body())
            .isEqualTo("re:r" + i);
      }

      await().atMost(Duration.ofSeconds(10)).until(() -> counting.deletedEntries.sum() == 3);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> aws.messagesIn(requester.replyQueueUrl()) == 0);
      assertThat(counting.calls("DeleteMessage")).isZero();
      assertThat(requester.pendingDeletes()).isZero();
    }
  }

  @Test
  void close_onAnApplicationsReplyQueue_sendsThePendingDeletesFirst(
      SqsAsyncClient sqsAsync, AwsEndpoints endpoints, AwsResources aws) {
    String requests = aws.createQueue();
    String replies = aws.createQueue();
    Counting counting = new Counting();
    try (SqsAsyncClient counted = client(endpoints, counting);
        SqsConsumer responder = responder(sqsAsync, requests)) {
      responder.start();
      SqsRequester requester =
          requester(counted, aws)
              .replyQueueUrl(replies)
              .deleteInterval(Duration.ofSeconds(10))
              .build();
      requester.start();
      for (int i = 0; i < 3; i++) {
        assertThat(requester.request(requests, "r" + i, Duration.ofSeconds(30)).join().body())
            .isEqualTo("re:r" + i);
      }
      // a reply's handle joins the waiting deletes before its future completes
      assertThat(requester.pendingDeletes()).isEqualTo(3);

      requester.close();

      assertThat(counting.calls("DeleteMessageBatch")).isEqualTo(1);
      assertThat(counting.batchSizes).containsExactly(3);
      assertThat(aws.messagesIn(replies)).isZero();
      assertThat(requester.stats().failedReplyDeletes()).isZero();
    }
  }

  @Test
  void close_onTheQueueItCreated_deletesTheQueueWithoutDeletingTheReplies(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsEndpoints endpoints, AwsResources aws) {
    String requests = aws.createQueue();
    Counting counting = new Counting();
    try (SqsAsyncClient counted = client(endpoints, counting);
        SqsConsumer responder = responder(sqsAsync, requests)) {
      responder.start();
      String prefix = aws.uniqueName("rq") + "-";
      SqsRequester requester =
          SqsRequester.builder()
              .sqsClient(counted)
              .replyQueuePrefix(prefix)
              .waitTime(Duration.ofSeconds(2))
              .deleteInterval(Duration.ofSeconds(10))
              .build();
      requester.start();
      assertThat(
              sqs.getQueueAttributes(
                      r ->
                          r.queueUrl(requester.replyQueueUrl())
                              .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT))
                  .attributes())
          .containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "60");
      assertThat(requester.request(requests, "r", Duration.ofSeconds(30)).join().body())
          .isEqualTo("re:r");
      assertThat(requester.pendingDeletes()).isEqualTo(1);

      requester.close();

      assertThat(counting.calls("DeleteQueue")).isEqualTo(1);
      assertThat(counting.calls("DeleteMessageBatch")).isZero();
      assertThat(sqs.listQueues(r -> r.queueNamePrefix(prefix)).queueUrls()).isEmpty();
    }
  }

  @Test
  void aReplyThatComesBackBecauseItsDeleteWasLate_isDroppedAsADuplicate_theFutureCompletesOnce(
      SqsAsyncClient sqsAsync, AwsResources aws) {
    String requests = aws.createQueue();
    // replies come back after 1 s; their deletes wait up to 10 s
    String replies = aws.createQueue("replies", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"));
    AtomicInteger completions = new AtomicInteger();
    try (SqsConsumer responder = responder(sqsAsync, requests);
        SqsRequester requester =
            requester(sqsAsync, aws)
                .replyQueueUrl(replies)
                .deleteInterval(Duration.ofSeconds(10))
                .build()) {
      responder.start();
      requester.start();

      Reply reply =
          requester
              .request(requests, "once", Duration.ofSeconds(30))
              .whenComplete((r, e) -> completions.incrementAndGet())
              .join();

      assertThat(reply.body()).isEqualTo("re:once");
      await().atMost(Duration.ofSeconds(20)).until(() -> requester.stats().duplicateReplies() >= 1);
      assertThat(completions).hasValue(1);
      RequesterStats stats = requester.stats();
      assertThat(stats.replies()).isEqualTo(1);
      assertThat(stats.lateReplies() + stats.unroutableReplies()).isZero();
    }
  }

  @Test
  void failedDeletes_wholeOrPerEntry_areCounted_theRepliesComeBackAsDuplicates_pollingGoesOn(
      SqsAsyncClient sqsAsync, AwsEndpoints endpoints, AwsResources aws) {
    String requests = aws.createQueue();
    String replies = aws.createQueue("replies", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"));
    AtomicReference<String> fault = new AtomicReference<>("whole");
    ExecutionInterceptor failing =
        new ExecutionInterceptor() {
          @Override
          public SdkRequest modifyRequest(
              Context.ModifyRequest context, ExecutionAttributes attributes) {
            if (!(context.request() instanceof DeleteMessageBatchRequest batch)) {
              return batch(context);
            }
            switch (fault.get()) {
              case "whole" -> throw new IllegalStateException("injected: delete refused");
              case "entry" -> {
                List<DeleteMessageBatchRequestEntry> broken =
                    batch.entries().stream()
                        .map(entry -> entry.toBuilder().receiptHandle("not-a-handle").build())
                        .toList();
                return batch.toBuilder().entries(broken).build();
              }
              default -> {
                return batch;
              }
            }
          }

          private SdkRequest batch(Context.ModifyRequest context) {
            return context.request();
          }
        };
    try (SqsAsyncClient faulty = client(endpoints, failing);
        SqsConsumer responder = responder(sqsAsync, requests);
        SqsRequester requester =
            requester(faulty, aws).replyQueueUrl(replies).deleteInterval(Duration.ZERO).build()) {
      responder.start();
      requester.start();

      assertThat(requester.request(requests, "a", Duration.ofSeconds(30)).join().body())
          .isEqualTo("re:a");
      await().atMost(Duration.ofSeconds(20)).until(() -> requester.stats().duplicateReplies() >= 1);
      assertThat(requester.stats().failedReplyDeletes()).isGreaterThanOrEqualTo(1);

      fault.set("entry");
      long failedBefore = requester.stats().failedReplyDeletes();
      assertThat(requester.request(requests, "b", Duration.ofSeconds(30)).join().body())
          .isEqualTo("re:b");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> requester.stats().failedReplyDeletes() > failedBefore);

      fault.set("none");
      assertThat(requester.request(requests, "c", Duration.ofSeconds(30)).join().body())
          .isEqualTo("re:c");
      await().atMost(Duration.ofSeconds(20)).until(() -> aws.messagesIn(replies) == 0);
      RequesterStats stats = requester.stats();
      assertThat(stats.replies()).isEqualTo(3);
      assertThat(stats.lateReplies() + stats.unroutableReplies()).isZero();
    }
  }

  /** Counts each operation sent, and the entries of each DeleteMessageBatch. */
  private static final class Counting implements ExecutionInterceptor {
    final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    final List<Integer> batchSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    final LongAdder deletedEntries = new LongAdder();

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      calls
          .computeIfAbsent(
              attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new LongAdder())
          .increment();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      if (context.request() instanceof DeleteMessageBatchRequest batch) {
        batchSizes.add(batch.entries().size());
        deletedEntries.add(batch.entries().size());
      }
    }

    long calls(String operation) {
      LongAdder count = calls.get(operation);
      return count == null ? 0 : count.sum();
    }
  }

  private static SqsAsyncClient client(AwsEndpoints endpoints, ExecutionInterceptor interceptor) {
    return endpoints
        .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
        .overrideConfiguration(c -> c.addExecutionInterceptor(interceptor))
        .build();
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
