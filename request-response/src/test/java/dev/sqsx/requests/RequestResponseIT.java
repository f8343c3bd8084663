/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.RetryPolicy;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

@LocalAws
class RequestResponseIT {

  /**
   * 2,000 by default (a CI-sized run); the full 10,000 with -Dsqsx.requests.count=10000.
   */
  private static final int COUNT = Integer.getInteger("sqsx.requests.count", 2_000);

  private static final int CONCURRENCY = 64;

  @Test
  void manyConcurrentRequests_eachGetsItsOwnReplyOnce_andNoReplyQueueOutlivesClose(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) throws Exception {
    String requests = aws.createQueue();
    String prefix = aws.uniqueName("rq") + "-";
    SqsResponder responder =
        SqsResponder.builder()
            .sqsClient(sqsAsync)
            .handler(request -> ReplyMessage.of("re:" + request.body()))
            .build();
    Map<Integer, String> replies = new ConcurrentHashMap<>();
    Map<Integer, AtomicInteger> completions = new ConcurrentHashMap<>();
    Map<Integer, Throwable> failures = new ConcurrentHashMap<>();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (SqsConsumer consumer = responderConsumer(sqsAsync, requests, responder, 32);
        SqsRequester requester = requester(sqsAsync, prefix).meterRegistry(meters).build()) {
      consumer.start();
      requester.start();
      Semaphore inFlight = new Semaphore(CONCURRENCY);
      for (int i = 0; i < COUNT; i++) {
        inFlight.acquire();
        int n = i;
        var unused =
            requester
                .request(requests, "req-" + n, Duration.ofSeconds(60))
                .whenComplete(
                    (reply, error) -> {
                      completions.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
                      if (error != null) {
                        failures.put(n, error);
                      } else {
                        replies.put(n, reply.body());
                      }
                      inFlight.release();
                    });
      }
      assertThat(inFlight.tryAcquire(CONCURRENCY, 120, TimeUnit.SECONDS)).isTrue();

      assertThat(failures).isEmpty();
      assertThat(replies).hasSize(COUNT);
      replies.forEach((n, body) -> assertThat(body).isEqualTo("re:req-" + n));
      assertThat(completions.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
      RequesterStats stats = requester.stats();
      assertThat(stats.requests()).isEqualTo(COUNT);
      assertThat(stats.replies()).isEqualTo(COUNT);
      assertThat(stats.duplicateReplies() + stats.lateReplies() + stats.unroutableReplies())
          .isZero();
      assertThat(stats.pending()).isZero();
      assertThat(responder.repliesSent()).isEqualTo(COUNT);
      assertThat(meters.get("sqsx.requests.replies").functionCounter().count()).isEqualTo(COUNT);
      assertThat(meters.get("sqsx.requests.round.trip").timer().count()).isEqualTo(COUNT);
      assertThat(meters.get("sqsx.requests.pending").gauge().value()).isZero();
      assertThat(replyQueues(sqs, prefix)).hasSize(1);
    }
    assertThat(replyQueues(sqs, prefix)).isEmpty();
  }

  @Test
  void replyAfterTimeout_failsTheRequest_andIsDeletedAndCountedLate(
      SqsAsyncClient sqsAsync, AwsResources aws) {
    String requests = aws.createQueue();
    SqsResponder slow =
        SqsResponder.builder()
            .sqsClient(sqsAsync)
            .asyncHandler(
                request ->
                    CompletableFuture.supplyAsync(
                        () -> ReplyMessage.of("too late"),
                        CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS)))
            .build();
    try (SqsConsumer consumer = responderConsumer(sqsAsync, requests, slow, 4);
        SqsRequester requester = requester(sqsAsync, aws.uniqueName("rq") + "-").build()) {
      consumer.start();
      requester.start();

      CompletableFuture<Reply> reply =
          requester.request(requests, "slow please", Duration.ofMillis(500));

      assertThat(reply)
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(RequestTimeoutException.class)
          .withMessageContaining("no reply within PT0.5S")
          .withMessageContaining(requests);
      await().atMost(Duration.ofSeconds(15)).until(() -> requester.stats().lateReplies() == 1);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> aws.messagesIn(replyQueue(requester)) == 0);
      RequesterStats stats = requester.stats();
      assertThat(stats.timeouts()).isEqualTo(1);
      assertThat(stats.replies()).isZero();
      assertThat(stats.pending()).isZero();
    }
  }

  @Test
  void responderFailingAfterItsReplyWasSent_getsTheRequestAgain_andTheRequesterCompletesOnce(
      SqsAsyncClient sqsAsync, AwsResources aws) {
    String requests = aws.createQueue();
    AtomicInteger runs = new AtomicInteger();
    SqsResponder responder =
        SqsResponder.builder()
            .sqsClient(sqsAsync)
            .handler(request -> ReplyMessage.of("run " + runs.incrementAndGet()))
            .build();
    AtomicInteger attempts = new AtomicInteger();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(requests)
            .concurrency(2)
            .waitTime(Duration.ofSeconds(1))
            .visibilityTimeout(Duration.ofSeconds(2))
            .retryPolicy(RetryPolicy.immediate())
            // the reply is sent, then the "process" fails before the request is deleted
            .asyncHandler(
                request ->
                    responder
                        .handle(request)
                        .thenCompose(
                            sent ->
                                attempts.incrementAndGet() == 1
                                    ? CompletableFuture.failedFuture(
                                        new IllegalStateException("crash after the reply"))
                                    : CompletableFuture.completedFuture(null)))
            .build();
    AtomicInteger completions = new AtomicInteger();
    try (consumer;
        SqsRequester requester = requester(sqsAsync, aws.uniqueName("rq") + "-").build()) {
      consumer.start();
      requester.start();

      CompletableFuture<Reply> reply = requester.request(requests, "once", Duration.ofSeconds(30));
      var unused = reply.whenComplete((r, e) -> completions.incrementAndGet());

      assertThat(reply)
          .succeedsWithin(Duration.ofSeconds(20))
          .extracting(Reply::body)
          .isEqualTo("run 1");
      await().atMost(Duration.ofSeconds(20)).until(() -> requester.stats().duplicateReplies() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> aws.messagesIn(requests) == 0);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> aws.messagesIn(replyQueue(requester)) == 0);
      assertThat(runs).hasValue(2);
      assertThat(completions).hasValue(1);
      assertThat(requester.stats().replies()).isEqualTo(1);
      assertThat(responder.repliesSent()).isEqualTo(2);
    }
  }

  @Test
  void requesterKilledMidFlight_leavesAStaleQueue_thatTheSweeperDeletes_andNothingElse(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String requests = aws.createQueue(); // nobody answers: the request stays in flight
    String prefix = aws.uniqueName("rq") + "-";
    // a requester whose last heartbeat is an hour old, killed with a request in flight
    SqsRequester killed =
        requester(sqsAsync, prefix)
            .clock(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(-1)))
            .build();
    killed.start();
    CompletableFuture<Reply> inFlight = killed.request(requests, "lost", Duration.ofMinutes(5));
    await().atMost(Duration.ofSeconds(10)).until(() -> killed.stats().requests() == 1);
    killed.halt();
    String stale = killed.replyQueueUrl();
    // a queue with the prefix but no owner tag: not a requester's, never swept
    String foreignWithPrefix = sqs.createQueue(r -> r.queueName(prefix + "foreign")).queueUrl();
    try (SqsRequester live = requester(sqsAsync, prefix).build()) {
      live.start();
      assertThat(replyQueues(sqs, prefix))
          .containsExactlyInAnyOrder(stale, live.replyQueueUrl(), foreignWithPrefix);

      List<String> swept =
          ReplyQueueSweeper.builder()
              .sqsClient(sqsAsync)
              .queueNamePrefix(prefix)
              .idleAfter(Duration.ofMinutes(5))
              .build()
              .sweep()
              .join();

      assertThat(swept).containsExactly(stale);
      assertThat(replyQueues(sqs, prefix))
          .containsExactlyInAnyOrder(live.replyQueueUrl(), foreignWithPrefix);
      assertThat(inFlight).isNotDone(); // a crash fails nothing: the process is gone
    } finally {
      sqs.deleteQueue(r -> r.queueUrl(foreignWithPrefix));
    }
  }

  @Test
  void aRequesterWithASweepInterval_sweepsOtherStaleReplyQueues_butNotItsOwn(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String prefix = aws.uniqueName("rq") + "-";
    SqsRequester killed =
        requester(sqsAsync, prefix)
            .clock(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(-1)))
            .build();
    killed.start();
    killed.halt();
    try (SqsRequester sweeping =
        requester(sqsAsync, prefix)
            .heartbeatInterval(Duration.ofSeconds(1))
            .sweepInterval(Duration.ofSeconds(1))
            .sweepIdleAfter(Duration.ofSeconds(30))
            .build()) {
      sweeping.start();

      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> !replyQueues(sqs, prefix).contains(killed.replyQueueUrl()));
      // several sweeps and heartbeats later, its own queue is still there
      await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
      assertThat(replyQueues(sqs, prefix)).containsExactly(sweeping.replyQueueUrl());
    }
    assertThat(replyQueues(sqs, prefix)).isEmpty();
  }

  @Test
  void aLiveRequestersReplyQueueDeletedUnderIt_isReplaced_pendingRequestsFailAtOnce_newOnesWork(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String unanswered = aws.createQueue();
    String requests = aws.createQueue();
    SqsResponder responder =
        SqsResponder.builder()
            .sqsClient(sqsAsync)
            .handler(request -> ReplyMessage.of("re:" + request.body()))
            .build();
    String prefix = aws.uniqueName("rq") + "-";
    try (SqsConsumer consumer = responderConsumer(sqsAsync, requests, responder, 2);
        SqsRequester requester =
            requester(sqsAsync, prefix).waitTime(Duration.ofSeconds(1)).build()) {
      consumer.start();
      requester.start();
      String first = requester.replyQueueUrl();
      CompletableFuture<Reply> pending =
          requester.request(unanswered, "waits", Duration.ofMinutes(5));
      await().atMost(Duration.ofSeconds(10)).until(() -> requester.stats().requests() == 1);

      // a sweeper whose clock runs ahead, or an operator: the live requester's queue is gone
      sqs.deleteQueue(r -> r.queueUrl(first));

      assertThat(pending)
          .failsWithin(Duration.ofSeconds(45))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(RequestException.class)
          .withMessageContaining("was deleted before the reply came")
          .withMessageContaining(first);
      await().atMost(Duration.ofSeconds(10)).until(() -> !first.equals(requester.replyQueueUrl()));
      assertThat(requester.replyQueueUrl()).contains(prefix);
      assertThat(sqs.listQueueTags(r -> r.queueUrl(requester.replyQueueUrl())).tags())
          .containsKeys(ReplyQueueSweeper.OWNER_TAG, ReplyQueueSweeper.HEARTBEAT_TAG);
      assertThat(requester.request(requests, "after", Duration.ofSeconds(20)))
          .succeedsWithin(Duration.ofSeconds(25))
          .extracting(Reply::body)
          .isEqualTo("re:after");
      assertThat(requester.stats().pending()).isZero();
    }
    assertThat(replyQueues(sqs, prefix)).isEmpty();
  }

  @Test
  void theHeartbeatTag_isRefreshedEveryInterval_fromTheRequestersClock(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    AtomicLong now = new AtomicLong(1_000_000L);
    Clock clock =
        new Clock() {
          @Override
          public ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return Instant.ofEpochMilli(now.get());
          }
        };
    try (SqsRequester requester =
        requester(sqsAsync, aws.uniqueName("rq") + "-")
            .owner("heartbeat-test")
            .clock(clock)
            .heartbeatInterval(Duration.ofSeconds(1))
            .build()) {
      requester.start();
      String url = requester.replyQueueUrl();
      assertThat(sqs.listQueueTags(r -> r.queueUrl(url)).tags())
          .containsEntry(ReplyQueueSweeper.OWNER_TAG, "heartbeat-test")
          .containsEntry(ReplyQueueSweeper.HEARTBEAT_TAG, "1000000");

      now.set(2_000_000L);

      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  "2000000"
                      .equals(
                          sqs.listQueueTags(r -> r.queueUrl(url))
                              .tags()
                              .get(ReplyQueueSweeper.HEARTBEAT_TAG)));
    }
  }

  @Test
  void twoMegabyteRequestAndReply_travelThroughTheExtendedClient_andLeaveNoPayloadBehind(
      SqsAsyncClient sqsAsync, S3AsyncClient s3Async, S3Client s3, AwsResources aws) {
    String bucket = aws.createBucket();
    SqsExtendedAsyncClient extended =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
            .build();
    String requests = aws.createQueue();
    String big = "0123456789abcdef".repeat(2 * 1024 * 1024 / 16);
    SqsResponder responder =
        SqsResponder.builder()
            .sqsClient(extended)
            .handler(
                request -> ReplyMessage.of(new StringBuilder(request.body()).reverse().toString()))
            .build();
    try (SqsConsumer consumer = responderConsumer(extended, requests, responder, 2);
        SqsRequester requester = requester(extended, aws.uniqueName("rq") + "-").build()) {
      consumer.start();
      requester.start();

      Reply reply = requester.request(requests, big, Duration.ofSeconds(60)).join();

      assertThat(reply.body()).hasSize(big.length());
      assertThat(reply.body()).isEqualTo(new StringBuilder(big).reverse().toString());
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> s3.listObjectsV2(r -> r.bucket(bucket)).keyCount() == 0);
    }
  }

  @Test
  void fifoRequestQueue_passesTheMessageGroupThrough(SqsAsyncClient sqsAsync, AwsResources aws) {
    String requests = aws.createFifoQueue(false);
    SqsResponder responder =
        SqsResponder.builder()
            .sqsClient(sqsAsync)
            .handler(request -> ReplyMessage.of(request.messageGroupId().orElse("no group")))
            .build();
    try (SqsConsumer consumer = responderConsumer(sqsAsync, requests, responder, 2);
        SqsRequester requester = requester(sqsAsync, aws.uniqueName("rq") + "-").build()) {
      consumer.start();
      requester.start();

      Reply reply =
          requester
              .request(
                  SendMessageRequest.builder()
                      .queueUrl(requests)
                      .messageBody("which group?")
                      .messageGroupId("customer-42")
                      .messageDeduplicationId("order-7")
                      .build(),
                  Duration.ofSeconds(20))
              .join();

      assertThat(reply.body()).isEqualTo("customer-42");
    }
  }

  @Test
  void close_failsPendingRequestsClearly_andDeletesTheReplyQueue(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String requests = aws.createQueue(); // nobody answers
    String prefix = aws.uniqueName("rq") + "-";
    SqsRequester requester = requester(sqsAsync, prefix).build();
    requester.start();
    CompletableFuture<Reply> pending = requester.request(requests, "never answered");
    await().atMost(Duration.ofSeconds(10)).until(() -> requester.stats().requests() == 1);

    requester.close();

    assertThat(pending)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(RequestException.class)
        .withMessageContaining("the requester closed before the reply")
        .withMessageContaining(requests);
    assertThat(replyQueues(sqs, prefix)).isEmpty();
    assertThat(requester.request(requests, "after close"))
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(IllegalStateException.class)
        .withMessage("the requester is closed");
  }

  @Test
  void aRequestThatCannotBeSent_failsWithTheQueueAndTheCause(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String missing = sqs.createQueue(r -> r.queueName(aws.uniqueName("missing"))).queueUrl();
    sqs.deleteQueue(r -> r.queueUrl(missing));
    try (SqsRequester requester = requester(sqsAsync, aws.uniqueName("rq") + "-").build()) {
      requester.start();

      assertThat(requester.request(missing, "to nowhere"))
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(RequestException.class)
          .withMessageContaining("cannot send request")
          .withMessageContaining("to queue " + missing)
          .havingCause()
          .isInstanceOf(QueueDoesNotExistException.class);
      assertThat(requester.stats().sendFailures()).isEqualTo(1);
      assertThat(requester.stats().pending()).isZero();
    }
  }

  @Test
  void requestWithoutReplyTo_isDeadLetteredWithTheReason(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(3, Duration.ofSeconds(1));
    SqsResponder responder =
        SqsResponder.builder()
            .sqsClient(sqsAsync)
            .handler(request -> ReplyMessage.of("unreachable"))
            .build();
    try (SqsConsumer consumer = responderConsumer(sqsAsync, queue.queueUrl(), responder, 2)) {
      consumer.start();
      sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("no reply-to"));

      await().atMost(Duration.ofSeconds(15)).until(() -> aws.messagesIn(queue.dlqUrl()) == 1);
      var dead =
          sqs.receiveMessage(r -> r.queueUrl(queue.dlqUrl()).messageAttributeNames("All"))
              .messages()
              .get(0);
      assertThat(dead.messageAttributes().get("sqsx.ErrorMessage").stringValue())
          .contains("has no ResponseQueueUrl attribute: there is nowhere to reply");
      assertThat(responder.repliesSent()).isZero();
    }
  }

  @Test
  void requestsWhoseReplyToIsNotAQueueOfTheRequestQueuesAccount_areDeadLettered_noReplySent(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(3, Duration.ofSeconds(1));
    // a queue that exists, so that a reply sent anywhere near it would be accepted
    String target = aws.createQueue();
    URI own = URI.create(target);
    String name = target.substring(target.lastIndexOf('/') + 1);
    String otherAccount = own.getScheme() + "://" + own.getAuthority() + "/999999999999/" + name;
    String otherHost = "http://169.254.169.254:" + own.getPort() + own.getPath();
    String notAQueue = "https://collector.example/steal?queue=" + name;
    SqsResponder responder =
        SqsResponder.builder()
            .sqsClient(sqsAsync)
            .handler(request -> ReplyMessage.of("secret of " + request.body()))
            .build();
    try (SqsConsumer consumer = responderConsumer(sqsAsync, queue.queueUrl(), responder, 2)) {
      consumer.start();
      for (String replyTo : List.of(otherAccount, otherHost, notAQueue)) {
        sqs.sendMessage(
            r ->
                r.queueUrl(queue.queueUrl())
                    .messageBody("hostile")
                    .messageAttributes(
                        Map.of(
                            SqsRequester.REPLY_TO_ATTRIBUTE,
                            text(replyTo),
                            SqsRequester.CORRELATION_ID_ATTRIBUTE,
                            text("c-1"))));
      }

      await().atMost(Duration.ofSeconds(20)).until(() -> aws.messagesIn(queue.dlqUrl()) == 3);
      List<String> reasons = new java.util.ArrayList<>();
      while (reasons.size() < 3) {
        sqs.receiveMessage(
                r ->
                    r.queueUrl(queue.dlqUrl()).maxNumberOfMessages(10).messageAttributeNames("All"))
            .messages()
            .forEach(
                m -> reasons.add(m.messageAttributes().get("sqsx.ErrorMessage").stringValue()));
      }
      assertThat(reasons)
          .anySatisfy(
              reason ->
                  assertThat(reason)
                      .contains("asks for a reply to " + otherAccount)
                      .contains("not a queue of the request queue's endpoint and account"))
          .anySatisfy(
              reason ->
                  assertThat(reason)
                      .contains("asks for a reply to " + otherHost)
                      .contains("not a queue of the request queue's endpoint and account"))
          .anySatisfy(
              reason ->
                  assertThat(reason)
                      .contains("asks for a reply to " + notAQueue)
                      .contains("not an SQS queue URL"));
      assertThat(responder.repliesSent()).isZero();
      assertThat(responder.replyQueuesGone()).isZero();
      assertThat(aws.messagesIn(target)).isZero();
    }
  }

  @Test
  void aReplyToPredicate_replacesTheDefault_toReplyToAnotherAccountsQueue(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String requests = aws.createQueue();
    String target = aws.createQueue();
    URI own = URI.create(target);
    String name = target.substring(target.lastIndexOf('/') + 1);
    // ElasticMQ has one account: the queue of "another account" is found by its name
    String otherAccount = own.getScheme() + "://" + own.getAuthority() + "/999999999999/" + name;
    SqsResponder responder =
        SqsResponder.builder()
            .sqsClient(sqsAsync)
            .handler(request -> ReplyMessage.of("for the partner"))
            .replyTo(url -> url.startsWith(own.getScheme() + "://" + own.getAuthority() + "/"))
            .build();
    try (SqsConsumer consumer = responderConsumer(sqsAsync, requests, responder, 2)) {
      consumer.start();
      sqs.sendMessage(
          r ->
              r.queueUrl(requests)
                  .messageBody("partner request")
                  .messageAttributes(
                      Map.of(
                          SqsRequester.REPLY_TO_ATTRIBUTE,
                          text(otherAccount),
                          SqsRequester.CORRELATION_ID_ATTRIBUTE,
                          text("c-2"))));

      await().atMost(Duration.ofSeconds(15)).until(() -> responder.repliesSent() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> aws.messagesIn(requests) == 0);
      assertThat(aws.messagesIn(target)).isEqualTo(1);
    }
  }

  @Test
  void aReplyWhoseQueueIsGone_isDroppedAndCounted_andTheRequestDeleted(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String requests = aws.createQueue();
    String gone = sqs.createQueue(r -> r.queueName(aws.uniqueName("gone"))).queueUrl();
    sqs.deleteQueue(r -> r.queueUrl(gone));
    SqsResponder responder =
        SqsResponder.builder()
            .sqsClient(sqsAsync)
            .handler(request -> ReplyMessage.of("nobody waits"))
            .build();
    try (SqsConsumer consumer = responderConsumer(sqsAsync, requests, responder, 2)) {
      consumer.start();
      sqs.sendMessage(
          r ->
              r.queueUrl(requests)
                  .messageBody("from a requester that crashed")
                  .messageAttributes(
                      Map.of(
                          SqsRequester.REPLY_TO_ATTRIBUTE,
                          text(gone),
                          SqsRequester.CORRELATION_ID_ATTRIBUTE,
                          text("c-1"))));

      await().atMost(Duration.ofSeconds(15)).until(() -> responder.replyQueuesGone() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> aws.messagesIn(requests) == 0);
      // the queue is empty once SQS applied the delete; the consumer counts it when the answer
      // is back, a moment later under load
      await().atMost(Duration.ofSeconds(10)).until(() -> consumer.stats().deleted() == 1);
      assertThat(responder.repliesSent()).isZero();
    }
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  private static SqsConsumer responderConsumer(
      SqsAsyncClient sqs, String queueUrl, SqsResponder responder, int concurrency) {
    return SqsConsumer.builder()
        .sqsClient(sqs)
        .queueUrl(queueUrl)
        .concurrency(concurrency)
        .waitTime(Duration.ofSeconds(1))
        .asyncHandler(responder)
        .build();
  }

  private static SqsRequester.Builder requester(SqsAsyncClient sqs, String prefix) {
    return SqsRequester.builder()
        .sqsClient(sqs)
        .replyQueuePrefix(prefix)
        .waitTime(Duration.ofSeconds(2));
  }

  private static String replyQueue(SqsRequester requester) {
    return requester.replyQueueUrl();
  }

  private static List<String> replyQueues(SqsClient sqs, String prefix) {
    return sqs.listQueues(r -> r.queueNamePrefix(prefix)).queueUrls();
  }
}
