/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.PayloadFailureBridge;
import dev.sqsx.consumer.RetryPolicy;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.extended.PayloadNotAllowedException;
import dev.sqsx.extended.PayloadNotFoundException;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The spans of messages whose settlement is not a plain delete: a payload that cannot be resolved
 * (no handler runs), a success whose lease was lost, a success whose delete SQS refused. The
 * payloads are really missing or not allowed, and the refusals are SQS's own answers to receipt
 * handles it does not know.
 */
@LocalAws
@SuppressWarnings("try") // scopes opened for their effect on Context.current()
class SettlementSpansIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void anUnresolvablePayload_getsASpanPerAttempt_endedWhenRetriedOrDeadLettered_noHandlerRun(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsEndpoints endpoints,
      AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(2, Duration.ofSeconds(2));
    String bucket = aws.createBucket();
    String foreign = aws.createBucket();
    s3.putObject(r -> r.bucket(foreign).key("secret"), RequestBody.fromString("not yours"));
    try (Otel otel = new Otel();
        SqsClient plain =
            endpoints
                .configure(SqsClient.builder(), endpoints.sqsEndpoint())
                .overrideConfiguration(
                    c -> c.addExecutionInterceptor(SqsxTracing.create(otel.sdk).interceptor()))
                .build()) {
      SqsxTracing tracing = SqsxTracing.create(otel.sdk);
      SqsExtendedClient producer =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadStore(
                  S3PayloadStore.builder()
                      .s3Client(s3)
                      .s3AsyncClient(s3Async)
                      .bucket(bucket)
                      .build())
              .attributeInjector(tracing)
              .build();
      Span sender = otel.sdk.getTracer("test").spanBuilder("send").startSpan();
      try (Scope ignored = sender.makeCurrent()) {
        // offloaded, and then its object goes missing
        producer.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("m".repeat(300_000)));
        // a pointer to a bucket the consumer is not allowed to read
        plain.sendMessage(
            r ->
                r.queueUrl(queue.queueUrl())
                    .messageBody(
                        "[\"software.amazon.payloadoffloading.PayloadS3Pointer\","
                            + "{\"s3BucketName\":\""
                            + foreign
                            + "\",\"s3Key\":\"secret\"}]")
                    .messageAttributes(
                        Map.of(
                            "ExtendedPayloadSize",
                            MessageAttributeValue.builder()
                                .dataType("Number")
                                .stringValue("9")
                                .build())));
      } finally {
        sender.end();
      }
      List<S3Object> stored = s3.listObjectsV2(r -> r.bucket(bucket)).contents();
      assertThat(stored).hasSize(1);
      s3.deleteObject(r -> r.bucket(bucket).key(stored.get(0).key()));

      PayloadFailureBridge failures = new PayloadFailureBridge();
      SqsExtendedAsyncClient reader =
          SqsExtendedAsyncClient.builder()
              .sqsClient(sqsAsync)
              .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
              .resolutionListener(failures)
              .build();
      List<String> handled = new CopyOnWriteArrayList<>();
      try (SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(reader)
              .queueUrl(queue.queueUrl())
              .payloadFailures(failures)
              .waitTime(Duration.ofSeconds(1))
              .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(1)))
              .observer(tracing)
              .handler(m -> handled.add(m.messageId()))
              .build()) {
        consumer.start();
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  assertThat(consumer.stats().deadLettered()).isEqualTo(2);
                  assertThat(otel.processSpans()).as("ended spans").hasSizeGreaterThanOrEqualTo(3);
                });
      }

      assertThat(handled).as("no handler ran").isEmpty();
      List<SpanData> spans = otel.processSpans();
      assertThat(spans)
          .as("one span per attempt, each ended: missing 1 (retried), 2 (dead-lettered); foreign 1")
          .hasSize(3)
          .allSatisfy(
              span -> {
                assertThat(span.getTraceId()).isEqualTo(sender.getSpanContext().getTraceId());
                assertThat(span.getParentSpanId()).isEqualTo(sender.getSpanContext().getSpanId());
                assertThat(span.getLinks())
                    .as("linked to the creation context too")
                    .singleElement()
                    .satisfies(
                        link ->
                            assertThat(link.getSpanContext().getSpanId())
                                .isEqualTo(sender.getSpanContext().getSpanId()));
                assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
                assertThat(span.getEvents())
                    .extracting(EventData::getName)
                    .startsWith("sqsx.handler_not_run")
                    .contains("exception", "sqsx.settled");
              });
      Map<String, List<SpanData>> byError =
          spans.stream()
              .sorted(Comparator.comparing(span -> span.getAttributes().get(SqsxTracing.ATTEMPT)))
              .collect(Collectors.groupingBy(span -> Otel.attribute(span, SqsxTracing.ERROR_TYPE)));
      List<SpanData> missing = byError.get(PayloadNotFoundException.class.getName());
      assertThat(missing)
          .extracting(
              span -> span.getAttributes().get(SqsxTracing.ATTEMPT),
              span -> Otel.attribute(span, SqsxTracing.OUTCOME))
          .containsExactly(tuple(1L, "retried"), tuple(2L, "dead_lettered"));
      assertThat(Otel.attribute(missing.get(1), SqsxTracing.DETAIL)).isEqualTo(queue.dlqUrl());
      assertThat(byError.get(PayloadNotAllowedException.class.getName()))
          .singleElement()
          .satisfies(
              span -> {
                assertThat(span.getAttributes().get(SqsxTracing.ATTEMPT)).isEqualTo(1L);
                assertThat(Otel.attribute(span, SqsxTracing.OUTCOME)).isEqualTo("dead_lettered");
                assertThat(Otel.attribute(span, SqsxTracing.DETAIL)).isEqualTo(queue.dlqUrl());
              });
      assertThat(spans)
          .flatExtracting(SpanData::getEvents)
          .filteredOn(event -> event.getName().equals("sqsx.handler_not_run"))
          .extracting(event -> event.getAttributes().get(SqsxTracing.ERROR_TYPE))
          .containsExactlyInAnyOrder(
              PayloadNotFoundException.class.getName(),
              PayloadNotFoundException.class.getName(),
              PayloadNotAllowedException.class.getName());
    }
  }

  @Test
  void aSuccessWhoseLeaseWasLost_endsItsSpanNotDeleted_andItsRedeliveryIsANewSpan(
      SqsClient sqs, AwsEndpoints endpoints, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("keeps its lease?"));
    // SQS refuses the heartbeat's extension of a handle it does not know: the lease is lost
    Set<String> toLose = ConcurrentHashMap.newKeySet();
    ExecutionInterceptor losingLeases =
        forging(
            ChangeMessageVisibilityBatchRequest.class,
            batch ->
                batch.toBuilder()
                    .entries(
                        batch.entries().stream()
                            .map(
                                entry ->
                                    toLose.remove(entry.receiptHandle())
                                        ? entry.toBuilder().receiptHandle("lost-lease").build()
                                        : entry)
                            .toList())
                    .build());
    AtomicReference<SqsConsumer> self = new AtomicReference<>();
    try (Otel otel = new Otel();
        SqsAsyncClient client =
            endpoints
                .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
                .overrideConfiguration(c -> c.addExecutionInterceptor(losingLeases))
                .build()) {
      // 4 s visibility: the heartbeat extends (and so loses) the lease 2–3 s after the receive
      try (SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(client)
              .queueUrl(queueUrl)
              .waitTime(Duration.ofSeconds(1))
              .visibilityTimeout(Duration.ofSeconds(4))
              .observer(SqsxTracing.create(otel.sdk))
              .handler(
                  m -> {
                    if (m.attempt() == 1) {
                      toLose.add(m.sdkMessage().receiptHandle());
                      await().atMost(WAIT).until(() -> self.get().stats().leasesLost() == 1);
                    }
                  })
              .build()) {
        self.set(consumer);
        consumer.start();
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  assertThat(consumer.stats().deleted()).isEqualTo(1);
                  assertThat(otel.processSpans()).as("ended spans").hasSizeGreaterThanOrEqualTo(2);
                });
      }

      List<SpanData> spans = byAttempt(otel.processSpans());
      assertThat(spans).hasSize(2);
      SpanData lost = spans.get(0);
      assertThat(lost.getAttributes().get(SqsxTracing.ATTEMPT)).isEqualTo(1L);
      assertThat(Otel.attribute(lost, SqsxTracing.OUTCOME)).isEqualTo("not_deleted");
      assertThat(Otel.attribute(lost, SqsxTracing.DETAIL)).isEqualTo("lease lost");
      assertThat(lost.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(lost.getStatus().getDescription()).isEqualTo("NOT_DELETED: lease lost");
      assertThat(Otel.attribute(lost, SqsxTracing.ERROR_TYPE))
          .as("the handler did not fail")
          .isNull();
      assertThat(lost.getEvents())
          .filteredOn(event -> event.getName().equals("sqsx.settled"))
          .singleElement()
          .satisfies(
              event ->
                  assertThat(event.getAttributes().get(SqsxTracing.OUTCOME))
                      .isEqualTo("not_deleted"));
      SpanData redelivery = spans.get(1);
      assertThat(redelivery.getAttributes().get(SqsxTracing.ATTEMPT)).isEqualTo(2L);
      assertThat(Otel.attribute(redelivery, SqsxTracing.OUTCOME)).isEqualTo("deleted");
      assertThat(redelivery.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }
  }

  @Test
  void aSuccessPastItsVisibilityDeadline_endsItsSpanNotDeleted_whileItsRedeliveryIsDeleted(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("outlives its lease"));
    CountDownLatch redelivered = new CountDownLatch(1);
    try (Otel otel = new Otel()) {
      // maxProcessingTime under the visibility timeout: the heartbeat never extends, so the lease
      // of attempt 1 ends while its handler still runs, and SQS delivers the message again
      try (SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(sqsAsync)
              .queueUrl(queueUrl)
              .concurrency(2)
              .waitTime(Duration.ofSeconds(1))
              .visibilityTimeout(Duration.ofSeconds(2))
              .maxProcessingTime(Duration.ofSeconds(1))
              .observer(SqsxTracing.create(otel.sdk))
              .handler(
                  m -> {
                    if (m.attempt() == 1) {
                      assertThat(redelivered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                    } else {
                      redelivered.countDown();
                    }
                  })
              .build()) {
        consumer.start();
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  assertThat(consumer.stats().deleted()).isEqualTo(1);
                  assertThat(otel.processSpans()).as("ended spans").hasSizeGreaterThanOrEqualTo(2);
                });
      }

      List<SpanData> spans = byAttempt(otel.processSpans());
      assertThat(spans).hasSize(2);
      SpanData expired = spans.get(0);
      assertThat(expired.getAttributes().get(SqsxTracing.ATTEMPT)).isEqualTo(1L);
      assertThat(Otel.attribute(expired, SqsxTracing.OUTCOME)).isEqualTo("not_deleted");
      assertThat(Otel.attribute(expired, SqsxTracing.DETAIL))
          .isEqualTo("lease past its visibility deadline");
      assertThat(expired.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      SpanData redelivery = spans.get(1);
      assertThat(redelivery.getAttributes().get(SqsxTracing.ATTEMPT)).isEqualTo(2L);
      assertThat(Otel.attribute(redelivery, SqsxTracing.OUTCOME)).isEqualTo("deleted");
    }
  }

  @Test
  void aSuccessWhoseDeleteSqsRefuses_endsItsSpanNotDeleted_withSqsReason(
      SqsClient sqs, AwsEndpoints endpoints, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("deleted?"));
    // SQS refuses the delete of a handle it does not know: ReceiptHandleIsInvalid, for good
    Set<String> toForge = ConcurrentHashMap.newKeySet();
    ExecutionInterceptor forgedDeletes =
        forging(
            DeleteMessageBatchRequest.class,
            batch ->
                batch.toBuilder()
                    .entries(
                        batch.entries().stream()
                            .map(
                                entry ->
                                    toForge.remove(entry.receiptHandle())
                                        ? entry.toBuilder().receiptHandle("forged-handle").build()
                                        : entry)
                            .toList())
                    .build());
    try (Otel otel = new Otel();
        SqsAsyncClient client =
            endpoints
                .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
                .overrideConfiguration(c -> c.addExecutionInterceptor(forgedDeletes))
                .build()) {
      try (SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(client)
              .queueUrl(queueUrl)
              .waitTime(Duration.ofSeconds(1))
              .visibilityTimeout(Duration.ofSeconds(2))
              .observer(SqsxTracing.create(otel.sdk))
              .handler(
                  m -> {
                    if (m.attempt() == 1) {
                      toForge.add(m.sdkMessage().receiptHandle());
                    }
                  })
              .build()) {
        consumer.start();
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  assertThat(consumer.stats().deleted()).isEqualTo(1);
                  assertThat(otel.processSpans()).as("ended spans").hasSizeGreaterThanOrEqualTo(2);
                });
        assertThat(consumer.stats().deleteFailures()).isEqualTo(1);
      }

      List<SpanData> spans = byAttempt(otel.processSpans());
      assertThat(spans).hasSize(2);
      SpanData refused = spans.get(0);
      assertThat(refused.getAttributes().get(SqsxTracing.ATTEMPT)).isEqualTo(1L);
      assertThat(Otel.attribute(refused, SqsxTracing.OUTCOME)).isEqualTo("not_deleted");
      assertThat(Otel.attribute(refused, SqsxTracing.DETAIL))
          .startsWith("delete failed: ReceiptHandleIsInvalid");
      assertThat(refused.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(refused.getStatus().getDescription())
          .startsWith("NOT_DELETED: delete failed: ReceiptHandleIsInvalid");
      SpanData redelivery = spans.get(1);
      assertThat(redelivery.getAttributes().get(SqsxTracing.ATTEMPT)).isEqualTo(2L);
      assertThat(Otel.attribute(redelivery, SqsxTracing.OUTCOME)).isEqualTo("deleted");
    }
  }

  private static List<SpanData> byAttempt(List<SpanData> spans) {
    return spans.stream()
        .sorted(Comparator.comparing(span -> span.getAttributes().get(SqsxTracing.ATTEMPT)))
        .toList();
  }

  /** An interceptor that rewrites requests of one type on their way to SQS. */
  private static <R extends SdkRequest> ExecutionInterceptor forging(
      Class<R> type, Function<R, R> rewrite) {
    return new ExecutionInterceptor() {
      @Override
      public SdkRequest modifyRequest(
          Context.ModifyRequest context, ExecutionAttributes attributes) {
        return type.isInstance(context.request())
            ? rewrite.apply(type.cast(context.request()))
            : context.request();
      }
    };
  }
}
