/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.RetentionShim;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@LocalAws
class PayloadSweeperIT {

  private static final String LARGE = "x".repeat(300_000);

  /** SQS over ElasticMQ, answering MessageRetentionPeriod as SQS does (see RetentionShim). */
  private SqsClient sqs;

  @BeforeEach
  void sqsWithRetention(AwsEndpoints endpoints) {
    sqs =
        endpoints
            .configure(SqsClient.builder(), endpoints.sqsEndpoint())
            .overrideConfiguration(o -> o.addExecutionInterceptor(new RetentionShim()))
            .build();
  }

  @AfterEach
  void close() {
    sqs.close();
  }

  @Test
  void bound_isReadFromTheQueuesRetentionAndTheirDeadLetterQueues(S3Client s3, AwsResources aws) {
    S3PayloadStore store = store(s3, aws.createBucket());
    QueueWithDlq standard = aws.createQueueWithDlq(3, Duration.ofSeconds(30));
    QueueWithDlq fifo = aws.createFifoQueueWithDlq(3, Duration.ofSeconds(30));
    retention(sqs, standard.queueUrl(), Duration.ofDays(2));
    retention(sqs, standard.dlqUrl(), Duration.ofDays(5));
    retention(sqs, fifo.queueUrl(), Duration.ofDays(3));
    retention(sqs, fifo.dlqUrl(), Duration.ofDays(6));
    String plain = aws.createQueue();
    retention(sqs, plain, Duration.ofDays(1));

    assertThat(sweeper(store, sqs, List.of(standard.queueUrl()), Clock.systemUTC()).bound())
        .as("standard, dead letters possibly sent: (source 2d + dlq 5d) x (1 + 1 redrive) + 1h")
        .isEqualTo(Duration.ofDays(14).plusHours(1));
    assertThat(
            PayloadSweeper.builder()
                .store(store)
                .sqsClient(sqs)
                .queues(List.of(standard.queueUrl(), fifo.queueUrl()))
                .margin(Duration.ofHours(1))
                .deadLetteringBySqsOnly(true)
                .build()
                .bound())
        .as("only SQS redrives: standard max(2d, 5d), FIFO still 3d + 6d: the longer x 2 + 1h")
        .isEqualTo(Duration.ofDays(18).plusHours(1));
    assertThat(
            PayloadSweeper.builder()
                .store(store)
                .sqsClient(sqs)
                .queues(List.of(standard.queueUrl()))
                .margin(Duration.ofHours(1))
                .deadLetteringBySqsOnly(true)
                .build()
                .bound())
        .as("standard, only SQS redrives: max(source 2d, dlq 5d) x 2 + margin 1h")
        .isEqualTo(Duration.ofDays(10).plusHours(1));
    assertThat(sweeper(store, sqs, List.of(fifo.queueUrl()), Clock.systemUTC()).bound())
        .as("FIFO: (source 3d + dlq 6d) x 2 + margin 1h")
        .isEqualTo(Duration.ofDays(18).plusHours(1));
    assertThat(sweeper(store, sqs, List.of(plain), Clock.systemUTC()).bound())
        .isEqualTo(Duration.ofDays(2).plusHours(1));
    assertThat(
            sweeper(
                    store,
                    sqs,
                    List.of(plain, standard.queueUrl(), fifo.queueUrl()),
                    Clock.systemUTC())
                .bound())
        .as("the longest over the queues")
        .isEqualTo(Duration.ofDays(18).plusHours(1));
    for (int redrives : new int[] {0, 2}) {
      assertThat(
              PayloadSweeper.builder()
                  .store(store)
                  .sqsClient(sqs)
                  .queues(List.of(fifo.queueUrl()))
                  .margin(Duration.ofHours(1))
                  .redrives(redrives)
                  .build()
                  .bound())
          .as("FIFO, %d redrives: 9d x %d + 1h", redrives, 1 + redrives)
          .isEqualTo(Duration.ofDays(9L * (1 + redrives)).plusHours(1));
    }
    assertThat(
            sweeper(store, sqs, List.of(fifo.queueUrl()), Clock.systemUTC())
                .lifecycleRule("sqsx")
                .expiration()
                .days())
        .isEqualTo(19);
  }

  @Test
  void payloadsOfLiveMessages_inTheSourceQueueAndInTheDlq_areNeverSwept_orphansPastTheBoundAre(
      S3Client s3, AwsResources aws) {
    String bucket = aws.createBucket();
    S3PayloadStore store = store(s3, bucket);
    QueueWithDlq queues = aws.createQueueWithDlq(1, Duration.ofSeconds(1));
    SqsExtendedClient client =
        SqsExtendedClient.builder().sqsClient(sqs).payloadStore(store).build();
    client.sendMessage(r -> r.queueUrl(queues.queueUrl()).messageBody(LARGE + "dead"));
    // received once and not deleted: the next receive moves it to the DLQ (maxReceiveCount 1)
    assertThat(receive(client, queues.queueUrl())).hasSize(1);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                receive(client, queues.queueUrl()).isEmpty()
                    && aws.messagesIn(queues.dlqUrl()) == 1);
    client.sendMessage(r -> r.queueUrl(queues.queueUrl()).messageBody(LARGE + "live"));
    store.store("an orphan: its send failed after the upload");
    s3.putObject(r -> r.bucket(bucket).key("other/kept"), RequestBody.fromString("not ours"));
    s3.putObject(r -> r.bucket(bucket).key("orders-archive"), RequestBody.fromString("not ours"));
    assertThat(keys(s3, bucket, "orders/")).hasSize(3);

    // "now" at the last instant SQS could still deliver either live message: nothing is swept
    Instant lastDelivery = Instant.EPOCH;
    PayloadSweeper probe = sweeper(store, sqs, List.of(queues.queueUrl()), Clock.systemUTC());
    Duration lifetime = probe.bound().minus(Duration.ofHours(1));
    for (Message m : peek(sqs, queues.queueUrl(), queues.dlqUrl())) {
      Instant sent =
          Instant.ofEpochMilli(
              Long.parseLong(m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP)));
      Instant deliverableUntil = sent.plus(lifetime);
      if (deliverableUntil.isAfter(lastDelivery)) {
        lastDelivery = deliverableUntil;
      }
    }
    PayloadSweeper atLastDelivery =
        sweeper(store, sqs, List.of(queues.queueUrl()), Clock.fixed(lastDelivery, ZoneOffset.UTC));
    PayloadSweeper.Report none = atLastDelivery.sweep(null, 100);
    assertThat(none.count()).isZero();
    assertThat(none.deleted()).isEmpty();
    assertThat(keys(s3, bucket, "orders/")).hasSize(3);
    // both live messages still resolve (peeking counted as the live one's receive: it moves to
    // the DLQ too)
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                receive(client, queues.queueUrl()).isEmpty()
                    && aws.messagesIn(queues.dlqUrl()) == 2);
    assertThat(receive(client, queues.dlqUrl()))
        .extracting(Message::body)
        .containsExactlyInAnyOrder(LARGE + "dead", LARGE + "live");

    // past the bound (SQS has dropped every message by then) everything under the prefix goes,
    // and nothing outside it
    PayloadSweeper past =
        sweeper(
            store,
            sqs,
            List.of(queues.queueUrl()),
            Clock.offset(Clock.systemUTC(), probe.bound().plusMinutes(1)));
    PayloadSweeper.Report swept = past.sweep(null, 100);
    assertThat(swept.count()).isEqualTo(3);
    assertThat(swept.deleted()).hasSize(3).allMatch(k -> k.startsWith("orders/"));
    assertThat(swept.resumeAfter()).isEmpty();
    assertThat(keys(s3, bucket, "orders/")).isEmpty();
    assertThat(keys(s3, bucket, "")).containsExactlyInAnyOrder("other/kept", "orders-archive");
  }

  @Test
  void dryRun_reportsCountBytesAndTheOldest_andDeletesNothing(S3Client s3, AwsResources aws) {
    String bucket = aws.createBucket();
    S3PayloadStore store = store(s3, bucket);
    store.store("12345");
    store.store("1234567890");
    Instant oldest =
        s3.listObjectsV2(r -> r.bucket(bucket).prefix("orders/")).contents().stream()
            .map(S3Object::lastModified)
            .min(Instant::compareTo)
            .orElseThrow();
    PayloadSweeper sweeper =
        sweeper(
            store,
            sqs,
            List.of(aws.createQueue()),
            Clock.offset(Clock.systemUTC(), Duration.ofDays(30)));

    PayloadSweeper.Report report = sweeper.dryRun();

    assertThat(report.dryRun()).isTrue();
    assertThat(report.count()).isEqualTo(2);
    assertThat(report.bytes()).isEqualTo(15);
    assertThat(report.oldest()).contains(oldest);
    assertThat(report.deleted()).isEmpty();
    assertThat(keys(s3, bucket, "orders/")).hasSize(2);
  }

  @Test
  void aRunStopsAtItsMaxDeletes_andResumesAfterTheKeyItReports(S3Client s3, AwsResources aws) {
    String bucket = aws.createBucket();
    S3PayloadStore store = store(s3, bucket);
    for (int i = 0; i < 5; i++) {
      store.store("payload " + i);
    }
    List<String> all = keys(s3, bucket, "orders/");
    PayloadSweeper sweeper =
        PayloadSweeper.builder()
            .store(store)
            .sqsClient(sqs)
            .queues(List.of(aws.createQueue()))
            .margin(Duration.ofHours(1))
            .clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(30)))
            .pageSize(2)
            .deletesPerSecond(1000)
            .build();

    List<String> deleted = new ArrayList<>();
    PayloadSweeper.Report first = sweeper.sweep(null, 2);
    deleted.addAll(first.deleted());
    assertThat(first.deleted()).hasSize(2);
    assertThat(first.resumeAfter()).contains(first.deleted().get(1));
    PayloadSweeper.Report second = sweeper.sweep(first.resumeAfter().get(), 2);
    deleted.addAll(second.deleted());
    assertThat(second.deleted()).hasSize(2);
    PayloadSweeper.Report third = sweeper.sweep(second.resumeAfter().get(), 2);
    deleted.addAll(third.deleted());
    assertThat(third.deleted()).hasSize(1);
    assertThat(third.resumeAfter()).isEmpty();

    assertThat(deleted).containsExactlyElementsOf(all.stream().sorted().toList());
    assertThat(keys(s3, bucket, "orders/")).isEmpty();
    assertThatThrownBy(() -> sweeper.sweep("other/x", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside the key prefix");
  }

  @Test
  void aFailedDelete_stopsTheRunNamingTheKey_andTheResumeKey_andResumingDeletesTheRest(
      AwsEndpoints endpoints, AwsResources aws) {
    AtomicInteger deletes = new AtomicInteger();
    ExecutionInterceptor thirdDeleteFails =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof DeleteObjectRequest
                && deletes.incrementAndGet() == 3) {
              throw SdkClientException.create("injected: the third delete fails");
            }
          }
        };
    try (S3Client s3 =
        endpoints
            .configure(S3Client.builder(), endpoints.s3Endpoint())
            .forcePathStyle(true)
            .overrideConfiguration(o -> o.addExecutionInterceptor(thirdDeleteFails))
            .build()) {
      String bucket = aws.createBucket();
      S3PayloadStore store = store(s3, bucket);
      for (int i = 0; i < 4; i++) {
        store.store("payload " + i);
      }
      List<String> all = keys(s3, bucket, "orders/").stream().sorted().toList();
      PayloadSweeper sweeper =
          sweeper(
              store,
              sqs,
              List.of(aws.createQueue()),
              Clock.offset(Clock.systemUTC(), Duration.ofDays(30)));

      assertThatThrownBy(() -> sweeper.sweep(null, 100))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("failed deleting '" + all.get(2) + "' after 2 deletes")
          .hasMessageContaining("resume with startAfter '" + all.get(1) + "'")
          .hasRootCauseMessage("injected: the third delete fails");
      assertThat(keys(s3, bucket, "orders/")).containsExactlyInAnyOrder(all.get(2), all.get(3));

      PayloadSweeper.Report resumed = sweeper.sweep(all.get(1), 100);
      assertThat(resumed.deleted()).containsExactly(all.get(2), all.get(3));
      assertThat(keys(s3, bucket, "orders/")).isEmpty();
    }
  }

  @Test
  void deletesArePacedAtTheConfiguredRate(S3Client s3, AwsResources aws) {
    String bucket = aws.createBucket();
    S3PayloadStore store = store(s3, bucket);
    for (int i = 0; i < 5; i++) {
      store.store("payload " + i);
    }
    AtomicLong nanos = new AtomicLong();
    List<Long> sleeps = new ArrayList<>();
    PayloadSweeper sweeper =
        PayloadSweeper.builder()
            .store(store)
            .sqsClient(sqs)
            .queues(List.of(aws.createQueue()))
            .clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(30)))
            .deletesPerSecond(2)
            .pacing(
                nanos::get,
                n -> {
                  sleeps.add(n);
                  nanos.addAndGet(n);
                })
            .build();

    assertThat(sweeper.sweep(null, 100).deleted()).hasSize(5);

    assertThat(sleeps).as("4 waits of half a second between 5 deletes at 2/s").hasSize(4);
    assertThat(nanos.get()).isEqualTo(Duration.ofSeconds(2).toNanos());
  }

  @Test
  void refusesAStoreWithoutAKeyPrefix(S3Client s3, AwsResources aws) {
    S3PayloadStore store = S3PayloadStore.builder().s3Client(s3).bucket(aws.createBucket()).build();
    assertThatThrownBy(
            () ->
                PayloadSweeper.builder()
                    .store(store)
                    .sqsClient(sqs)
                    .queues(List.of(aws.createQueue()))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("store must have a keyPrefix");
  }

  @Test
  void refusesRedrivesOutside0To100(S3Client s3, AwsResources aws) {
    for (int redrives : new int[] {-1, 101}) {
      assertThatThrownBy(
              () ->
                  PayloadSweeper.builder()
                      .store(store(s3, aws.createBucket()))
                      .sqsClient(sqs)
                      .queues(List.of(aws.createQueue()))
                      .redrives(redrives)
                      .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "redrives must be 0..100 (each adds the longest pointer lifetime to the bound), was "
                  + redrives);
    }
  }

  private static S3PayloadStore store(S3Client s3, String bucket) {
    return S3PayloadStore.builder().s3Client(s3).bucket(bucket).keyPrefix("orders/").build();
  }

  private static PayloadSweeper sweeper(
      S3PayloadStore store, SqsClient sqs, List<String> queues, Clock clock) {
    return PayloadSweeper.builder()
        .store(store)
        .sqsClient(sqs)
        .queues(queues)
        .margin(Duration.ofHours(1))
        .clock(clock)
        .deletesPerSecond(1000)
        .build();
  }

  private static void retention(SqsClient sqs, String queueUrl, Duration retention) {
    sqs.setQueueAttributes(
        r ->
            r.queueUrl(queueUrl)
                .attributes(
                    Map.of(
                        QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                        Long.toString(retention.toSeconds()))));
  }

  private static List<Message> receive(SqsClient client, String queueUrl) {
    return client
        .receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
        .messages();
  }

  /** Reads the live messages' SentTimestamp, making them visible again at once. */
  private static List<Message> peek(SqsClient sqs, String... queueUrls) {
    List<Message> all = new ArrayList<>();
    for (String url : queueUrls) {
      List<Message> got =
          sqs.receiveMessage(
                  r ->
                      r.queueUrl(url)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP))
              .messages();
      assertThat(got).as("live messages in %s", url).hasSize(1);
      for (Message m : got) {
        sqs.changeMessageVisibility(
            r -> r.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
      }
      all.addAll(got);
    }
    return all;
  }

  private static List<String> keys(S3Client s3, String bucket, String prefix) {
    return s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
        .map(S3Object::key)
        .toList();
  }
}
