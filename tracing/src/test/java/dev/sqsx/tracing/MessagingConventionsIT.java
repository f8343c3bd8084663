/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.BatchOutcome;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;

/**
 * What OpenTelemetry's messaging semantic conventions ask of a process span, checked on spans of
 * messages consumed from the embedded SQS endpoint: a link to the message's creation context (here
 * also its parent), a link to the ambient span it did not take as parent, and {@code
 * server.address} / {@code server.port} given when the span is created, where a sampler sees them.
 */
@LocalAws
@SuppressWarnings("try") // scopes opened for their effect on Context.current()
class MessagingConventionsIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String XRAY_TRACE = "5759e988bd862e3fe1be46a994272793";
  private static final String XRAY_PARENT = "53995c3f42cd8ad8";

  /** What a sampler was shown when a CONSUMER span was created. */
  record Sampled(String name, Attributes attributes, List<LinkData> links) {}

  @Test
  void aProcessSpan_isAChildOfItsCreationContext_linksToIt_andNamesTheQueuesServerAtCreation(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsEndpoints endpoints, AwsResources aws) {
    String queueUrl = aws.createQueue();
    List<Sampled> sampled = new CopyOnWriteArrayList<>();
    try (Otel otel = new Otel(recording(sampled))) {
      SqsxTracing tracing = SqsxTracing.create(otel.sdk);
      Span sender = otel.sdk.getTracer("test").spanBuilder("send").startSpan();
      try (Scope ignored = sender.makeCurrent()) {
        producer(sqs, tracing).sendMessage(r -> r.queueUrl(queueUrl).messageBody("w3c"));
      } finally {
        sender.end();
      }
      sqs.sendMessage(
          r ->
              r.queueUrl(queueUrl)
                  .messageBody("xray")
                  .messageSystemAttributes(
                      Map.of(
                          MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
                          MessageSystemAttributeValue.builder()
                              .dataType("String")
                              .stringValue(
                                  "Root=1-5759e988-bd862e3fe1be46a994272793;Parent="
                                      + XRAY_PARENT
                                      + ";Sampled=1")
                              .build())));
      sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("none"));

      Map<String, String> bodies = new ConcurrentHashMap<>();
      try (SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(sqsAsync)
              .queueUrl(queueUrl)
              .waitTime(Duration.ofSeconds(1))
              .observer(tracing)
              .handler(message -> bodies.put(message.messageId(), message.body()))
              .build()) {
        consumer.start();
        await().atMost(WAIT).until(() -> otel.processSpans().size() == 3);
      }

      Map<String, SpanData> byBody = byBody(otel.processSpans(), bodies);
      SpanData w3c = byBody.get("w3c");
      assertThat(w3c.getParentSpanContext().getSpanId())
          .isEqualTo(sender.getSpanContext().getSpanId());
      assertThat(w3c.getLinks())
          .as("a link to the creation context, as well as the parent")
          .singleElement()
          .satisfies(link -> assertSameSpan(link.getSpanContext(), sender.getSpanContext()));
      SpanData xray = byBody.get("xray");
      assertThat(xray.getTraceId()).isEqualTo(XRAY_TRACE);
      assertThat(xray.getParentSpanContext().getSpanId()).isEqualTo(XRAY_PARENT);
      assertThat(xray.getLinks())
          .singleElement()
          .satisfies(
              link -> {
                assertThat(link.getSpanContext().getTraceId()).isEqualTo(XRAY_TRACE);
                assertThat(link.getSpanContext().getSpanId()).isEqualTo(XRAY_PARENT);
              });
      SpanData none = byBody.get("none");
      assertThat(none.getParentSpanContext().isValid()).isFalse();
      assertThat(none.getLinks()).as("no creation context, nothing to link").isEmpty();

      URI endpoint = endpoints.sqsEndpoint().orElseThrow();
      String queueName = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
      assertThat(byBody.values())
          .allSatisfy(
              span -> {
                assertThat(span.getAttributes().get(SqsxTracing.SERVER_ADDRESS))
                    .isEqualTo(endpoint.getHost());
                assertThat(span.getAttributes().get(SqsxTracing.SERVER_PORT))
                    .isEqualTo((long) endpoint.getPort());
                assertThat(span.getAttributes().get(SqsxTracing.AWS_QUEUE_URL)).isEqualTo(queueUrl);
                assertThat(span.getAttributes().get(SqsxTracing.QUEUE_URL)).isEqualTo(queueUrl);
                assertThat(span.getAttributes().get(SqsxTracing.DESTINATION)).isEqualTo(queueName);
              });
      assertThat(sampled)
          .as("what the sampler saw: the server, the destination and the links, at creation")
          .hasSize(3)
          .allSatisfy(
              seen -> {
                assertThat(seen.name()).isEqualTo("process " + queueName);
                assertThat(seen.attributes().get(SqsxTracing.SERVER_ADDRESS))
                    .isEqualTo(endpoint.getHost());
                assertThat(seen.attributes().get(SqsxTracing.SERVER_PORT))
                    .isEqualTo((long) endpoint.getPort());
                assertThat(seen.attributes().get(SqsxTracing.DESTINATION)).isEqualTo(queueName);
                assertThat(seen.attributes().get(SqsxTracing.MESSAGING_SYSTEM))
                    .isEqualTo("aws_sqs");
                assertThat(seen.attributes().get(SqsxTracing.OPERATION_NAME)).isEqualTo("process");
                assertThat(seen.attributes().get(SqsxTracing.OPERATION_TYPE)).isEqualTo("process");
              })
          .extracting(seen -> seen.links().size())
          .containsExactlyInAnyOrder(1, 1, 0);
    }
  }

  @Test
  void inTheScopeOfAnotherSpan_theProcessSpanKeepsItsCreationParent_andLinksBothContexts(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) throws InterruptedException {
    String queueUrl = aws.createQueue();
    String batchQueueUrl = aws.createQueue();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Otel otel = new Otel()) {
      SqsxTracing tracing = SqsxTracing.create(otel.sdk);
      Tracer tracer = otel.sdk.getTracer("test");
      Span sender = tracer.spanBuilder("send").startSpan();
      try (Scope ignored = sender.makeCurrent()) {
        SqsExtendedClient producer = producer(sqs, tracing);
        producer.sendMessage(r -> r.queueUrl(queueUrl).messageBody("traced"));
        producer.sendMessage(r -> r.queueUrl(batchQueueUrl).messageBody("in a batch"));
      } finally {
        sender.end();
      }
      sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("untraced"));
      // the application runs each handler task inside a span of its own: the ambient context
      Set<SpanContext> workers = ConcurrentHashMap.newKeySet();
      Executor inWorkerSpans =
          task ->
              pool.execute(
                  () -> {
                    Span worker = tracer.spanBuilder("worker").startSpan();
                    workers.add(worker.getSpanContext());
                    try (Scope ignored = worker.makeCurrent()) {
                      task.run();
                    } finally {
                      worker.end();
                    }
                  });
      Map<String, String> bodies = new ConcurrentHashMap<>();
      try (SqsConsumer consumer =
              SqsConsumer.builder()
                  .sqsClient(sqsAsync)
                  .queueUrl(queueUrl)
                  .waitTime(Duration.ofSeconds(1))
                  .executor(inWorkerSpans)
                  .observer(tracing)
                  .handler(message -> bodies.put(message.messageId(), message.body()))
                  .build();
          SqsConsumer batches =
              SqsConsumer.builder()
                  .sqsClient(sqsAsync)
                  .queueUrl(batchQueueUrl)
                  .waitTime(Duration.ofSeconds(1))
                  .executor(inWorkerSpans)
                  .observer(tracing)
                  .batchHandler(messages -> BatchOutcome.builder().build())
                  .build()) {
        consumer.start();
        batches.start();
        await().atMost(WAIT).until(() -> otel.processSpans().size() == 3);
      }

      List<SpanData> spans = otel.processSpans();
      Map<String, SpanData> byBody =
          byBody(
              spans.stream()
                  .filter(span -> span.getAttributes().get(SqsxTracing.BATCH_COUNT) == null)
                  .toList(),
              bodies);
      SpanData traced = byBody.get("traced");
      assertThat(traced.getParentSpanContext().getSpanId())
          .as("the creation context stays the parent")
          .isEqualTo(sender.getSpanContext().getSpanId());
      assertThat(traced.getLinks())
          .extracting(LinkData::getSpanContext)
          .as("links: the creation context and the ambient span")
          .hasSize(2)
          .anySatisfy(link -> assertSameSpan(link, sender.getSpanContext()))
          .anySatisfy(link -> assertThat(workers).contains(link));
      SpanData untraced = byBody.get("untraced");
      assertThat(untraced.getParentSpanContext().isValid()).isFalse();
      assertThat(untraced.getLinks())
          .extracting(LinkData::getSpanContext)
          .singleElement()
          .satisfies(link -> assertThat(workers).contains(link));
      SpanData batch =
          spans.stream()
              .filter(span -> span.getAttributes().get(SqsxTracing.BATCH_COUNT) != null)
              .findFirst()
              .orElseThrow();
      assertThat(batch.getParentSpanContext().isValid()).isFalse();
      assertThat(batch.getLinks())
          .extracting(LinkData::getSpanContext)
          .as("the batch run links its message's creation context and the ambient span")
          .hasSize(2)
          .anySatisfy(link -> assertSameSpan(link, sender.getSpanContext()))
          .anySatisfy(link -> assertThat(workers).contains(link));
    } finally {
      pool.shutdownNow();
    }
  }

  private static SqsExtendedClient producer(SqsClient sqs, SqsxTracing tracing) {
    return SqsExtendedClient.builder()
        .sqsClient(sqs)
        .payloadSupportEnabled(false)
        .attributeInjector(tracing)
        .build();
  }

  private static Map<String, SpanData> byBody(List<SpanData> spans, Map<String, String> bodies) {
    Map<String, SpanData> byBody = new ConcurrentHashMap<>();
    for (SpanData span : spans) {
      byBody.put(bodies.get(span.getAttributes().get(SqsxTracing.MESSAGE_ID)), span);
    }
    assertThat(byBody).hasSameSizeAs(spans);
    return byBody;
  }

  private static void assertSameSpan(SpanContext actual, SpanContext expected) {
    assertThat(actual.getTraceId()).isEqualTo(expected.getTraceId());
    assertThat(actual.getSpanId()).isEqualTo(expected.getSpanId());
  }

  /** Samples everything, and records what each CONSUMER span showed the sampler. */
  private static Sampler recording(List<Sampled> sampled) {
    return new Sampler() {
      @Override
      public SamplingResult shouldSample(
          Context parentContext,
          String traceId,
          String name,
          SpanKind spanKind,
          Attributes attributes,
          List<LinkData> parentLinks) {
        if (spanKind == SpanKind.CONSUMER) {
          sampled.add(new Sampled(name, attributes, List.copyOf(parentLinks)));
        }
        return SamplingResult.recordAndSample();
      }

      @Override
      public String getDescription() {
        return "recording";
      }
    };
  }
}
