/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.tracing;

import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsMode;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What {@link JavaAgentIT} runs under the OpenTelemetry Java agent: sends 3 messages in a span,
 * consumes them with an {@link SqsConsumer} traced by sqsx, and — the control — receives 2 from
 * another queue and iterates them as an application would. Prints what the test checks.
 *
 * <p>Arguments: the SQS endpoint, the consumed queue's URL, the control queue's URL.
 */
public final class AgentMain {

  private AgentMain() {}

  @SuppressWarnings("try") // the scope makes the span current for the sends
  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    String queueUrl = args[1];
    String controlUrl = args[2];
    AwsEndpoints endpoints = AwsEndpoints.local(AwsMode.ENDPOINT, endpoint, endpoint, endpoint);
    OpenTelemetry openTelemetry = GlobalOpenTelemetry.get();
    System.out.println("AGENT-PRESENT " + SqsxTracing.javaAgentPresent());
    SqsxTracing tracing = SqsxTracing.create(openTelemetry);
    try (SqsClient sqs = endpoints.newSqsClient();
        SqsAsyncClient sqsAsync = endpoints.newSqsAsyncClient()) {
      SqsExtendedClient producer =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadSupportEnabled(false)
              .attributeInjector(tracing)
              .build();
      Span checkout = openTelemetry.getTracer("agent-main").spanBuilder("checkout").startSpan();
      try (Scope ignored = checkout.makeCurrent()) {
        for (int i = 0; i < 3; i++) {
          String body = "order " + i;
          producer.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
        }
        for (int i = 0; i < 2; i++) {
          sqs.sendMessage(r -> r.queueUrl(controlUrl).messageBody("control"));
        }
      } finally {
        checkout.end();
      }
      System.out.println("SENDER-TRACE " + checkout.getSpanContext().getTraceId());

      try (SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(sqsAsync)
              .queueUrl(queueUrl)
              .waitTime(Duration.ofSeconds(1))
              .observer(tracing)
              .handler(message -> {})
              .build()) {
        consumer.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deleted() >= 3);
        System.out.println("DELETED " + consumer.stats().deleted());
      }

      int controlled = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (controlled < 2 && System.nanoTime() < deadline) {
        for (Message message :
            sqs.receiveMessage(
                    r -> r.queueUrl(controlUrl).waitTimeSeconds(1).maxNumberOfMessages(10))
                .messages()) {
          controlled += message.body().equals("control") ? 1 : 0;
        }
      }
      System.out.println("CONTROLLED " + controlled);
    }
    System.out.flush();
  }
}
