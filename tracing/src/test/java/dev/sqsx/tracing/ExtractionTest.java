/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Where a message's producer context is read from, in which order, and what is refused. */
class ExtractionTest {

  private static final String TRACEPARENT =
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  private static final String XRAY =
      "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

  private final SqsxTracing tracing = SqsxTracing.create(new Otel().sdk);

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  private SpanContext extracted(Message message) {
    Context context = tracing.extract(message);
    return Span.fromContext(context).getSpanContext();
  }

  @Test
  void messageAttributes_comeFirst_thenAwsTraceHeader() {
    Message both =
        Message.builder()
            .body("b")
            .messageAttributes(Map.of("traceparent", string(TRACEPARENT)))
            .attributes(Map.of(MessageSystemAttributeName.AWS_TRACE_HEADER, XRAY))
            .build();
    assertThat(extracted(both).getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(extracted(both).isRemote()).isTrue();

    Message xrayOnly =
        Message.builder()
            .body("b")
            .attributes(Map.of(MessageSystemAttributeName.AWS_TRACE_HEADER, XRAY))
            .build();
    SpanContext fromXray = extracted(xrayOnly);
    assertThat(fromXray.getTraceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
    assertThat(fromXray.getSpanId()).isEqualTo("53995c3f42cd8ad8");
    assertThat(fromXray.isSampled()).isTrue();
  }

  @Test
  void anSnsEnvelopesAttributes_areReadWhenTheMessageHasNone() {
    String envelope =
        "{\"Type\":\"Notification\",\"MessageId\":\"sns-1\",\"TopicArn\":"
            + "\"arn:aws:sns:us-east-1:000000000000:orders\",\"Message\":\"hello\","
            + "\"MessageAttributes\":{\"traceparent\":{\"Type\":\"String\",\"Value\":\""
            + TRACEPARENT
            + "\"}}}";
    assertThat(extracted(Message.builder().body(envelope).build()).getSpanId())
        .isEqualTo("b7ad6b7169203331");
  }

  @Test
  void nothingUsable_isTheRootContext_neverTheCallersContext() {
    for (String header :
        new String[] {
          "Root=1-5759e988-bd862e3fe1be46a994272793", // no parent
          "Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8",
          "Root=1-5759e988-BD862E3FE1BE46A994272793;Parent=53995c3f42cd8ad8",
          "Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8",
          "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000",
          "garbage",
          "x".repeat(300)
        }) {
      Message message =
          Message.builder()
              .body("{not an envelope")
              .messageAttributes(Map.of("traceparent", string("00-broken")))
              .attributes(Map.of(MessageSystemAttributeName.AWS_TRACE_HEADER, header))
              .build();
      assertThat(extracted(message).isValid()).as(header).isFalse();
    }
    // a binary attribute of that name is not a trace context
    Message binary =
        Message.builder()
            .body("b")
            .messageAttributes(
                Map.of(
                    "traceparent",
                    MessageAttributeValue.builder()
                        .dataType("Binary")
                        .binaryValue(
                            software.amazon.awssdk.core.SdkBytes.fromUtf8String(TRACEPARENT))
                        .build()))
            .build();
    assertThat(extracted(binary).isValid()).isFalse();
  }

  @Test
  void queueNames_fromUrls() {
    assertThat(Queues.name("https://sqs.us-east-1.amazonaws.com/123456789012/orders"))
        .isEqualTo("orders");
    assertThat(Queues.name("http://127.0.0.1:9324/000000000000/jobs.fifo/")).isEqualTo("jobs.fifo");
    assertThat(Queues.name("orders")).isEqualTo("orders");
    assertThat(Queues.name(null)).isEqualTo("unknown");
  }

  @Test
  @SuppressWarnings("try") // the scope is opened for its effect on Context.current()
  void theHandlerRunsInTheProducersContext_baggageIncluded_withABaggagePropagator() {
    SqsxTracing withBaggage =
        SqsxTracing.builder(new Otel().sdk)
            .propagator(
                io.opentelemetry.context.propagation.TextMapPropagator.composite(
                    io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator.getInstance(),
                    io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator.getInstance()))
            .build();
    Message message =
        Message.builder()
            .messageId("m1")
            .body("b")
            .messageAttributes(
                Map.of("traceparent", string(TRACEPARENT), "baggage", string("tenant=acme")))
            .attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"))
            .build();
    dev.sqsx.consumer.MessageObserver.Observation observation =
        withBaggage.handlerStarting(
            new dev.sqsx.consumer.ReceivedMessage(message, "https://q/orders", null));
    try (dev.sqsx.consumer.MessageObserver.Scope ignored = observation.open()) {
      assertThat(io.opentelemetry.api.baggage.Baggage.current().getEntryValue("tenant"))
          .isEqualTo("acme");
      assertThat(Span.current().getSpanContext().getTraceId())
          .isEqualTo("0af7651916cd43dd8448eb211c80319c");
    }
    observation.settled(
        new dev.sqsx.consumer.ReceivedMessage(message, "https://q/orders", null),
        dev.sqsx.consumer.MessageObserver.Outcome.DELETED,
        null,
        null);
  }
}
