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
import dev.sqsx.tracing.SqsxTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** The reply goes out in the request's trace: a child of the responder's process span. */
@LocalAws
@SuppressWarnings("try") // the caller's scope is opened for its effect on Context.current()
class TracedReplyIT {

  @Test
  void aBlockingHandlersReply_carriesTheProcessSpanOfItsRequest_inTheCallersTrace(
      AwsEndpoints endpoints, AwsResources aws) {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (OpenTelemetrySdk otel =
            OpenTelemetrySdk.builder()
                .setTracerProvider(
                    SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        SqsAsyncClient traced =
            endpoints
                .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
                .overrideConfiguration(
                    c -> c.addExecutionInterceptor(SqsxTracing.create(otel).interceptor()))
                .build()) {
      SqsxTracing tracing = SqsxTracing.create(otel);
      String requests = aws.createQueue();
      SqsResponder responder =
          SqsResponder.builder()
              .sqsClient(traced)
              .handler(request -> ReplyMessage.of("traced"))
              .build();
      try (SqsConsumer consumer =
              SqsConsumer.builder()
                  .sqsClient(traced)
                  .queueUrl(requests)
                  .waitTime(Duration.ofSeconds(1))
                  .observer(tracing)
                  .asyncHandler(responder)
                  .build();
          SqsRequester requester =
              SqsRequester.builder()
                  .sqsClient(traced)
                  .replyQueuePrefix(aws.uniqueName("rq") + "-")
                  .waitTime(Duration.ofSeconds(2))
                  .build()) {
        consumer.start();
        requester.start();
        Span caller = otel.getTracer("test").spanBuilder("caller").startSpan();
        Reply reply;
        try (Scope ignored = caller.makeCurrent()) {
          reply = requester.request(requests, "trace me", Duration.ofSeconds(20)).join();
        } finally {
          caller.end();
        }

        String traceparent = reply.attributes().get("traceparent").stringValue();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    spans.getFinishedSpanItems().stream()
                        .anyMatch(span -> span.getKind() == SpanKind.CONSUMER));
        SpanData process =
            spans.getFinishedSpanItems().stream()
                .filter(span -> span.getKind() == SpanKind.CONSUMER)
                .findFirst()
                .orElseThrow();
        String traceId = caller.getSpanContext().getTraceId();
        assertThat(process.getTraceId()).isEqualTo(traceId);
        // the reply's context: the caller's trace, the responder's process span as parent
        assertThat(traceparent).startsWith("00-" + traceId + "-" + process.getSpanId() + "-");
      }
    }
  }
}
