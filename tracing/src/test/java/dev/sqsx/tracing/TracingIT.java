/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.BatchOutcome;
import dev.sqsx.consumer.NonRetryableException;
import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.consumer.RetryPolicy;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Traces across SQS on the embedded endpoints: what producers inject, what the consumer's spans
 * say, and what happens to retried, dead-lettered and batched messages.
 */
@LocalAws
@SuppressWarnings("try") // scopes opened for their effect on Context.current()
class TracingIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void producerToConsumer_theProcessSpanIsAChildOfTheSendersSpan_andCurrentInTheHandler(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsEndpoints endpoints,
      AwsResources aws) {
    String queueUrl = aws.createQueue();
    String bucket = aws.createBucket();
    try (Otel otel = new Otel();
        SqsClient plain =
            endpoints
                .configure(SqsClient.builder(), endpoints.sqsEndpoint())
                .overrideConfiguration(
                    c -> c.addExecutionInterceptor(SqsxTracing.create(otel.sdk).interceptor()))
                .build()) {
      SqsxTracing tracing = SqsxTracing.create(otel.sdk);
      SqsExtendedClient extended =
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
      Tracer tracer = otel.sdk.getTracer("test");
      Map<String, SpanContext> senders = new HashMap<>();
      String large = "x".repeat(300_000);
      for (String name : List.of("small", "large", "plain", "batch")) {
        Span sender = tracer.spanBuilder("send " + name).startSpan();
        try (Scope ignored = sender.makeCurrent()) {
          switch (name) {
            case "small" -> extended.sendMessage(r -> r.queueUrl(queueUrl).messageBody("small"));
            case "large" -> extended.sendMessage(r -> r.queueUrl(queueUrl).messageBody(large));
            case "plain" -> plain.sendMessage(r -> r.queueUrl(queueUrl).messageBody("plain"));
            default ->
                plain.sendMessageBatch(
                    r ->
                        r.queueUrl(queueUrl)
                            .entries(
                                IntStream.range(0, 3)
                                    .mapToObj(
                                        i ->
                                            SendMessageBatchRequestEntry.builder()
                                                .id("e" + i)
                                                .messageBody("batch")
                                                .build())
                                    .toList()));
          }
        } finally {
          sender.end();
        }
        senders.put(name, sender.getSpanContext());
      }
      // what went on the wire: one traceparent attribute naming the sender's span
      List<Message> raw =
          sqs.receiveMessage(
                  r ->
                      r.queueUrl(queueUrl)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .visibilityTimeout(0)
                          .messageAttributeNames("All"))
              .messages();
      assertThat(raw).isNotEmpty();
      Set<String> peeked = raw.stream().map(Message::messageId).collect(Collectors.toSet());
      for (Message message : raw) {
        assertThat(message.messageAttributes().get("traceparent").stringValue())
            .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-9a-f]");
      }

      Map<String, SpanContext> currentInHandler = new ConcurrentHashMap<>();
      SqsExtendedAsyncClient reader =
          SqsExtendedAsyncClient.builder()
              .sqsClient(sqsAsync)
              .payloadStore(
                  S3PayloadStore.builder()
                      .s3Client(s3)
                      .s3AsyncClient(s3Async)
                      .bucket(bucket)
                      .build())
              .build();
      try (SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(reader)
              .queueUrl(queueUrl)
              .waitTime(Duration.ofSeconds(1))
              .observer(tracing)
              .handler(
                  message ->
                      currentInHandler.put(message.messageId(), Span.current().getSpanContext()))
              .build()) {
        consumer.start();
        await().atMost(WAIT).until(() -> otel.processSpans().size() == 6);
      }

      List<SpanData> spans = otel.processSpans();
      Map<String, String> traceToSender =
          senders.entrySet().stream()
              .collect(Collectors.toMap(e -> e.getValue().getTraceId(), Map.Entry::getKey));
      Map<String, Long> perSender =
          spans.stream()
              .collect(
                  Collectors.groupingBy(
                      span -> traceToSender.getOrDefault(span.getTraceId(), "none"),
                      Collectors.counting()));
      assertThat(perSender)
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("small", 1L, "large", 1L, "plain", 1L, "batch", 3L));
      String queueName = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
      for (SpanData span : spans) {
        SpanContext sender = senders.get(traceToSender.get(span.getTraceId()));
        assertThat(span.getParentSpanId()).isEqualTo(sender.getSpanId());
        assertThat(span.getName()).isEqualTo("process " + queueName);
        assertThat(Otel.attribute(span, SqsxTracing.MESSAGING_SYSTEM)).isEqualTo("aws_sqs");
        assertThat(Otel.attribute(span, SqsxTracing.OPERATION_TYPE)).isEqualTo("process");
        assertThat(Otel.attribute(span, SqsxTracing.DESTINATION)).isEqualTo(queueName);
        assertThat(Otel.attribute(span, SqsxTracing.OUTCOME)).isEqualTo("deleted");
        String messageId = Otel.attribute(span, SqsxTracing.MESSAGE_ID);
        // the peek above was a receive too
        assertThat(span.getAttributes().get(SqsxTracing.ATTEMPT))
            .isEqualTo(peeked.contains(messageId) ? 2L : 1L);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(currentInHandler.get(messageId).getSpanId()).isEqualTo(span.getSpanId());
      }
      assertThat(tracing.injectionsSkipped()).isZero();
    }
  }

  @Test
  void retries_areSpansOfTheSameTraceWithRisingAttempts_andTheDeadLetteredOneCarriesTheError(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(3, Duration.ofSeconds(5));
    try (Otel otel = new Otel()) {
      SqsxTracing tracing = SqsxTracing.create(otel.sdk);
      SqsExtendedClient producer =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadSupportEnabled(false)
              .attributeInjector(tracing)
              .build();
      Span sender = otel.sdk.getTracer("test").spanBuilder("send").startSpan();
      try (Scope ignored = sender.makeCurrent()) {
        producer.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("flaky"));
        producer.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("poison"));
      } finally {
        sender.end();
      }
      try (SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(sqsAsync)
              .queueUrl(queue.queueUrl())
              .waitTime(Duration.ofSeconds(1))
              .retryPolicy(RetryPolicy.immediate())
              .observer(tracing)
              .handler(
                  message -> {
                    if (message.body().equals("poison")) {
                      throw new NonRetryableException("order 7 has no customer");
                    }
                    throw new IllegalStateException("inventory service down");
                  })
              .build()) {
        consumer.start();
        await().atMost(WAIT).until(() -> consumer.stats().deadLettered() == 2);
      }

      List<SpanData> spans = otel.processSpans();
      assertThat(spans)
          .allSatisfy(
              span -> {
                assertThat(span.getTraceId()).isEqualTo(sender.getSpanContext().getTraceId());
                assertThat(span.getParentSpanId()).isEqualTo(sender.getSpanContext().getSpanId());
                assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
                assertThat(span.getEvents()).anyMatch(event -> event.getName().equals("exception"));
              });
      Map<String, List<SpanData>> byMessage =
          spans.stream()
              .collect(Collectors.groupingBy(span -> Otel.attribute(span, SqsxTracing.MESSAGE_ID)));
      assertThat(byMessage).hasSize(2);
      List<SpanData> flaky =
          byMessage.values().stream().filter(list -> list.size() == 3).findFirst().orElseThrow();
      assertThat(flaky)
          .extracting(span -> span.getAttributes().get(SqsxTracing.ATTEMPT))
          .containsExactlyInAnyOrder(1L, 2L, 3L);
      for (SpanData span : flaky) {
        long attempt = span.getAttributes().get(SqsxTracing.ATTEMPT);
        assertThat(Otel.attribute(span, SqsxTracing.OUTCOME))
            .isEqualTo(attempt < 3 ? "retried" : "dead_lettered");
        assertThat(Otel.attribute(span, SqsxTracing.ERROR_TYPE))
            .isEqualTo(IllegalStateException.class.getName());
        assertThat(span.getStatus().getDescription()).contains("inventory service down");
      }
      assertThat(Otel.attribute(flaky.get(2), SqsxTracing.DETAIL)).isNotBlank();
      List<SpanData> poison =
          byMessage.values().stream().filter(list -> list.size() == 1).findFirst().orElseThrow();
      SpanData dead = poison.get(0);
      assertThat(Otel.attribute(dead, SqsxTracing.OUTCOME)).isEqualTo("dead_lettered");
      assertThat(Otel.attribute(dead, SqsxTracing.DETAIL)).isEqualTo(queue.dlqUrl());
      assertThat(Otel.attribute(dead, SqsxTracing.ERROR_TYPE))
          .isEqualTo(NonRetryableException.class.getName());
      assertThat(dead.getStatus().getDescription())
          .startsWith("DEAD_LETTERED")
          .contains("order 7 has no customer");
      assertThat(dead.getEvents())
          .filteredOn(event -> event.getName().equals("sqsx.settled"))
          .singleElement()
          .satisfies(
              event -> {
                assertThat(event.getAttributes().get(SqsxTracing.OUTCOME))
                    .isEqualTo("dead_lettered");
                assertThat(event.getAttributes().get(SqsxTracing.DETAIL)).isEqualTo(queue.dlqUrl());
              });
    }
  }

  @Test
  void aLongHandler_heartbeatsAreEventsOnItsSpan(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("slow"));
    try (Otel otel = new Otel()) {
      try (SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(sqsAsync)
              .queueUrl(queueUrl)
              .waitTime(Duration.ofSeconds(1))
              .visibilityTimeout(Duration.ofSeconds(2))
              .observer(SqsxTracing.create(otel.sdk))
              .handler(message -> Thread.sleep(3_500))
              .build()) {
        consumer.start();
        await().atMost(WAIT).until(() -> otel.processSpans().size() == 1);
      }
      SpanData span = otel.processSpans().get(0);
      assertThat(span.getParentSpanContext().isValid()).as("no producer context: a root").isFalse();
      assertThat(span.getEvents())
          .filteredOn(event -> event.getName().equals("sqsx.visibility_extended"))
          .isNotEmpty()
          .allSatisfy(
              event ->
                  assertThat(event.getAttributes().get(SqsxTracing.VISIBILITY_SECONDS))
                      .isEqualTo(2L));
      assertThat(Otel.attribute(span, SqsxTracing.OUTCOME)).isEqualTo("deleted");
    }
  }

  @Test
  void aBatchHandlersRun_isOneSpanLinkedToEveryMessagesProducer(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    try (Otel otel = new Otel()) {
      SqsxTracing tracing = SqsxTracing.create(otel.sdk);
      SqsExtendedClient producer =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadSupportEnabled(false)
              .attributeInjector(tracing)
              .build();
      Set<SpanContext> senders = ConcurrentHashMap.newKeySet();
      for (int i = 0; i < 6; i++) {
        Span sender = otel.sdk.getTracer("test").spanBuilder("send " + i).startSpan();
        try (Scope ignored = sender.makeCurrent()) {
          String body = "order " + i;
          producer.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
        } finally {
          sender.end();
        }
        senders.add(sender.getSpanContext());
      }
      List<Integer> batchSizes = new ArrayList<>();
      try (SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(sqsAsync)
              .queueUrl(queueUrl)
              .waitTime(Duration.ofSeconds(1))
              .observer(tracing)
              .batchHandler(
                  messages -> {
                    synchronized (batchSizes) {
                      batchSizes.add(messages.size());
                    }
                    BatchOutcome.Builder outcome = BatchOutcome.builder();
                    for (ReceivedMessage message : messages) {
                      if (message.body().equals("order 3") && message.attempt() == 1) {
                        outcome.failed(message.messageId(), new IllegalStateException("later"));
                      }
                    }
                    return outcome.build();
                  })
              .build()) {
        consumer.start();
        await().atMost(WAIT).until(() -> consumer.stats().deleted() == 6);
      }

      List<SpanData> spans = otel.processSpans();
      assertThat(spans).hasSameSizeAs(batchSizes);
      Set<String> linkedSpans =
          spans.stream()
              .flatMap(span -> span.getLinks().stream())
              .map(LinkData::getSpanContext)
              .map(SpanContext::getSpanId)
              .collect(Collectors.toSet());
      assertThat(linkedSpans).containsAll(senders.stream().map(SpanContext::getSpanId).toList());
      for (SpanData span : spans) {
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(span.getAttributes().get(SqsxTracing.BATCH_COUNT))
            .isEqualTo((long) span.getLinks().size());
        assertThat(span.getEvents())
            .filteredOn(event -> event.getName().equals("sqsx.settled"))
            .hasSize(span.getLinks().size());
      }
      assertThat(spans)
          .filteredOn(span -> span.getStatus().getStatusCode() == StatusCode.ERROR)
          .singleElement()
          .satisfies(span -> assertThat(span.getStatus().getDescription()).contains("1 of"));
    }
  }

  @Test
  @SuppressWarnings("try") // the scopes are opened for their effect on Context.current()
  void withBaggage_traceContextGoesFirst_baggageOnlyWhenThereIsRoom_andEachDroppedFieldIsCounted(
      SqsClient sqs, AwsResources aws) {
    String queueUrl = aws.createQueue();
    try (Otel otel = new Otel()) {
      SqsxTracing tracing =
          SqsxTracing.builder(otel.sdk)
              .propagator(
                  io.opentelemetry.context.propagation.TextMapPropagator.composite(
                      io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator.getInstance(),
                      io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator
                          .getInstance()))
              .build();
      SqsClient traced =
          SqsClient.builder()
              .region(software.amazon.awssdk.regions.Region.US_EAST_1)
              .credentialsProvider(
                  software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                      software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                          "test", "test")))
              .endpointOverride(sqs.serviceClientConfiguration().endpointOverride().orElseThrow())
              .overrideConfiguration(c -> c.addExecutionInterceptor(tracing.interceptor()))
              .build();
      Map<String, MessageAttributeValue> nine = new HashMap<>();
      for (int i = 0; i < 9; i++) {
        nine.put(
            "a" + i, MessageAttributeValue.builder().dataType("String").stringValue("v").build());
      }
      Span sender = otel.sdk.getTracer("test").spanBuilder("send").startSpan();
      try (Scope span = sender.makeCurrent();
          Scope baggage =
              io.opentelemetry.api.baggage.Baggage.builder()
                  .put("tenant", "acme")
                  .build()
                  .makeCurrent()) {
        // 9 + traceparent = 10: the trace context fits, the baggage does not
        traced.sendMessage(r -> r.queueUrl(queueUrl).messageBody("S").messageAttributes(nine));
      } finally {
        sender.end();
        traced.close();
      }

      Message received =
          sqs.receiveMessage(
                  r -> r.queueUrl(queueUrl).waitTimeSeconds(2).messageAttributeNames("All"))
              .messages()
              .get(0);
      assertThat(received.messageAttributes())
          .as("trace context first; baggage only if there is room")
          .hasSize(10)
          .containsKey("traceparent")
          .doesNotContainKey("baggage");
      assertThat(tracing.injectionsSkipped()).as("dropped fields: the baggage").isEqualTo(1);
    }
  }

  @Test
  void noRoomForTraceContext_theMessageIsSentWithout_andCounted(
      SqsClient sqs, S3Client s3, S3AsyncClient s3Async, AwsResources aws) {
    String queueUrl = aws.createQueue();
    String bucket = aws.createBucket();
    try (Otel otel = new Otel()) {
      SqsxTracing tracing = SqsxTracing.create(otel.sdk);
      SqsExtendedClient extended =
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
      Map<String, MessageAttributeValue> nine = new HashMap<>();
      for (int i = 0; i < 9; i++) {
        nine.put(
            "a" + i, MessageAttributeValue.builder().dataType("String").stringValue("v").build());
      }
      Map<String, MessageAttributeValue> ownTraceparent =
          Map.of(
              "traceparent",
              MessageAttributeValue.builder()
                  .dataType("String")
                  .stringValue("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                  .build());
      Span sender = otel.sdk.getTracer("test").spanBuilder("send").startSpan();
      try (Scope ignored = sender.makeCurrent()) {
        // 9 + the size marker = 10: no room
        extended.sendMessage(
            r -> r.queueUrl(queueUrl).messageBody("L".repeat(300_000)).messageAttributes(nine));
        // 9 + traceparent = 10: fits
        extended.sendMessage(r -> r.queueUrl(queueUrl).messageBody("S").messageAttributes(nine));
        // the user's own traceparent is not replaced
        extended.sendMessage(
            r -> r.queueUrl(queueUrl).messageBody("O").messageAttributes(ownTraceparent));
      } finally {
        sender.end();
      }

      List<Message> received = new ArrayList<>();
      while (received.size() < 3) {
        received.addAll(
            extended
                .receiveMessage(
                    r ->
                        r.queueUrl(queueUrl)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1)
                            .messageAttributeNames("All"))
                .messages());
      }
      Map<String, Message> byBody =
          received.stream()
              .collect(Collectors.toMap(m -> m.body().substring(0, 1), message -> message));
      assertThat(byBody.get("L").body()).hasSize(300_000);
      assertThat(byBody.get("L").messageAttributes()).containsOnlyKeys(nine.keySet());
      assertThat(byBody.get("S").messageAttributes()).hasSize(10).containsKey("traceparent");
      assertThat(byBody.get("S").messageAttributes().get("traceparent").stringValue())
          .contains(sender.getSpanContext().getSpanId());
      assertThat(byBody.get("O").messageAttributes()).isEqualTo(ownTraceparent);
      assertThat(tracing.injectionsSkipped()).isEqualTo(1);
      assertThat(otel.metrics.collectAllMetrics())
          .filteredOn(metric -> metric.getName().equals("sqsx.tracing.injections.skipped"))
          .singleElement()
          .satisfies(
              metric ->
                  assertThat(metric.getLongSumData().getPoints())
                      .singleElement()
                      .satisfies(point -> assertThat(point.getValue()).isEqualTo(1)));
    }
  }
}
