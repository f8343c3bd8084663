/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.idempotency.IdempotencyKey;
import dev.sqsx.idempotency.IdempotentHandler;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.awssdk.v2_2.AwsSdkTelemetry;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * sqsx's spans beside OpenTelemetry's own AWS SDK instrumentation (the library the Java agent
 * applies to every client): SDK calls made by a handler are children of the message's span, and the
 * instrumentation's per-message "process" spans do not double sqsx's.
 */
@LocalAws
@SuppressWarnings("try") // scopes opened for their effect on Context.current()
class SdkInstrumentationIT {

  private static final String SDK_SCOPE = "io.opentelemetry.aws-sdk-2.2";

  @Test
  void theIdempotencyStoresDynamoDbCalls_areChildrenOfTheMessagesProcessSpan(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsEndpoints endpoints, AwsResources aws) {
    String queueUrl = aws.createQueue();
    String table = aws.uniqueName("idem");
    try (Otel otel = new Otel();
        DynamoDbClient setup = endpoints.newDynamoDbClient();
        DynamoDbClient dynamoDb =
            endpoints
                .configure(DynamoDbClient.builder(), endpoints.dynamoDbEndpoint())
                .overrideConfiguration(
                    c ->
                        c.addExecutionInterceptor(
                            AwsSdkTelemetry.create(otel.sdk).createExecutionInterceptor()))
                .build()) {
      DynamoDbIdempotencyStore.createTable(setup, table);
      SqsxTracing tracing = SqsxTracing.create(otel.sdk);
      SqsExtendedClient producer =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadSupportEnabled(false)
              .attributeInjector(tracing)
              .build();
      Span sender = otel.sdk.getTracer("test").spanBuilder("checkout").startSpan();
      try (Scope ignored = sender.makeCurrent()) {
        for (int order = 0; order < 3; order++) {
          String body = "{\"orderId\":" + order + "}";
          producer.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
        }
      } finally {
        sender.end();
      }
      IdempotentHandler handler =
          IdempotentHandler.builder()
              .store(DynamoDbIdempotencyStore.create(dynamoDb, table))
              .namespace("orders")
              .key(IdempotencyKey.jsonField("/orderId"))
              .handler(message -> {})
              .build();
      try (SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(sqsAsync)
              .queueUrl(queueUrl)
              .waitTime(Duration.ofSeconds(1))
              .observer(tracing)
              .handler(handler)
              .build()) {
        consumer.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> otel.processSpans().size() == 3);
      }

      Map<String, SpanData> processSpans =
          otel.processSpans().stream()
              .collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
      List<SpanData> dynamoDbCalls =
          otel.spans.getFinishedSpanItems().stream()
              .filter(span -> span.getInstrumentationScopeInfo().getName().equals(SDK_SCOPE))
              .filter(span -> span.getName().startsWith("DynamoDb."))
              .toList();
      // a claim and a completion per message, each under its message's span, in the sender's trace
      assertThat(dynamoDbCalls).hasSizeGreaterThanOrEqualTo(6);
      assertThat(dynamoDbCalls)
          .allSatisfy(
              call -> {
                assertThat(processSpans).containsKey(call.getParentSpanId());
                assertThat(call.getTraceId()).isEqualTo(sender.getSpanContext().getTraceId());
              });
      assertThat(dynamoDbCalls.stream().map(SpanData::getParentSpanId).distinct()).hasSize(3);
    }
  }

  @Test
  void theDeadLetterSend_isAChildOfTheMessagesProcessSpan(
      SqsClient sqs, AwsEndpoints endpoints, AwsResources aws) {
    deadLetterSendIsAChildOfTheProcessSpan(sqs, endpoints, aws, false);
  }

  @Test
  void onASynchronousClient_theDeadLetterSend_isAChildOfTheMessagesProcessSpan(
      SqsClient sqs, AwsEndpoints endpoints, AwsResources aws) {
    deadLetterSendIsAChildOfTheProcessSpan(sqs, endpoints, aws, true);
  }

  private static void deadLetterSendIsAChildOfTheProcessSpan(
      SqsClient sqs, AwsEndpoints endpoints, AwsResources aws, boolean synchronous) {
    dev.sqsx.testing.QueueWithDlq queue = aws.createQueueWithDlq(3, Duration.ofSeconds(5));
    sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("poison"));
    try (Otel otel = new Otel()) {
      AwsSdkTelemetry telemetry = AwsSdkTelemetry.create(otel.sdk);
      try (SqsAsyncClient instrumented =
              endpoints
                  .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
                  .overrideConfiguration(
                      c -> c.addExecutionInterceptor(telemetry.createExecutionInterceptor()))
                  .build();
          SqsClient instrumentedSync =
              endpoints
                  .configure(SqsClient.builder(), endpoints.sqsEndpoint())
                  .overrideConfiguration(
                      c -> c.addExecutionInterceptor(telemetry.createExecutionInterceptor()))
                  .build()) {
        dev.sqsx.consumer.SqsConsumerBuilder builder = SqsConsumer.builder();
        if (synchronous) {
          builder.sqsClient(instrumentedSync);
        } else {
          builder.sqsClient(instrumented);
        }
        try (SqsConsumer consumer =
            builder
                .queueUrl(queue.queueUrl())
                .waitTime(Duration.ofSeconds(1))
                .observer(SqsxTracing.create(otel.sdk))
                .handler(
                    message -> {
                      throw new dev.sqsx.consumer.NonRetryableException("no such customer");
                    })
                .build()) {
          consumer.start();
          await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deadLettered() == 1);
        }
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> otel.processSpans().size() == 1);
      SpanData process = otel.processSpans().get(0);
      String dlq = queue.dlqUrl().substring(queue.dlqUrl().lastIndexOf('/') + 1);
      assertThat(otel.spans.getFinishedSpanItems())
          .filteredOn(span -> span.getInstrumentationScopeInfo().getName().equals(SDK_SCOPE))
          .filteredOn(span -> span.getKind() == SpanKind.PRODUCER)
          .singleElement()
          .satisfies(
              send -> {
                assertThat(send.getName()).contains(dlq);
                assertThat(send.getParentSpanId()).isEqualTo(process.getSpanId());
              });
    }
  }

  @Test
  void withOpenTelemetrysSqsInstrumentation_eachMessageHasOneProcessSpan_sqsxs(
      SqsClient sqs, AwsEndpoints endpoints, AwsResources aws) {
    String queueUrl = aws.createQueue();
    String controlQueue = aws.createQueue();
    try (Otel otel = new Otel()) {
      AwsSdkTelemetry telemetry = AwsSdkTelemetry.create(otel.sdk);
      SqsxTracing tracing = SqsxTracing.create(otel.sdk);
      try (SqsAsyncClient instrumented =
              telemetry.wrap(
                  endpoints
                      .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
                      .overrideConfiguration(
                          c -> c.addExecutionInterceptor(telemetry.createExecutionInterceptor()))
                      .build());
          SqsClient instrumentedSync =
              telemetry.wrap(
                  endpoints
                      .configure(SqsClient.builder(), endpoints.sqsEndpoint())
                      .overrideConfiguration(
                          c -> c.addExecutionInterceptor(telemetry.createExecutionInterceptor()))
                      .build())) {
        for (int i = 0; i < 4; i++) {
          String body = "m" + i;
          sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
          sqs.sendMessage(r -> r.queueUrl(controlQueue).messageBody(body));
        }
        // Control: the instrumentation does make a process span per message of a receive's list
        // when the list is iterated...
        int controlled = 0;
        while (controlled < 4) {
          for (Message message :
              instrumentedSync
                  .receiveMessage(
                      r -> r.queueUrl(controlQueue).maxNumberOfMessages(10).waitTimeSeconds(1))
                  .messages()) {
            controlled += message.body().isEmpty() ? 0 : 1;
          }
        }
        assertThat(sdkProcessSpans(otel)).hasSize(4);
        otel.spans.reset();

        // ... and sqsx, reading through the same instrumentation, lets it make none
        try (SqsConsumer consumer =
            SqsConsumer.builder()
                .sqsClient(instrumented)
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .observer(tracing)
                .handler(message -> {})
                .build()) {
          consumer.start();
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> otel.processSpans().size() == 4 && consumer.stats().deleted() == 4);
        }
        assertThat(sdkProcessSpans(otel)).isEmpty();
        assertThat(otel.processSpans()).hasSize(4);
      }
    }
  }

  private static List<SpanData> sdkProcessSpans(Otel otel) {
    return otel.spans.getFinishedSpanItems().stream()
        .filter(span -> span.getInstrumentationScopeInfo().getName().equals(SDK_SCOPE))
        .filter(span -> span.getKind() == SpanKind.CONSUMER)
        .toList();
  }
}
