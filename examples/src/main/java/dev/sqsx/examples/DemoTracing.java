/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples;

import dev.sqsx.tracing.SqsxTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * The demo's {@code --traces}: OpenTelemetry's SDK from its autoconfiguration (so {@code
 * OTEL_TRACES_EXPORTER=otlp} and friends send the spans to a collector; by default they are only
 * kept here), sqsx's tracing on the producer and the consumers, and a report: what the spans say,
 * and the trace of one order that was retried.
 */
final class DemoTracing implements AutoCloseable {

  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("sqsx.outcome");
  private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("sqsx.attempt");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final int KEPT = 200_000;

  private final Queue<SpanData> ended = new ConcurrentLinkedQueue<>();
  private final OpenTelemetrySdk sdk;
  private final SqsxTracing tracing;

  DemoTracing() {
    this.sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            // defaults; OTEL_* environment variables and otel.* system properties win
            .addPropertiesSupplier(
                () ->
                    Map.of(
                        "otel.service.name", "sqsx-demo",
                        "otel.traces.exporter", "none",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
            .addTracerProviderCustomizer(
                (tracerProvider, config) -> tracerProvider.addSpanProcessor(new Keeper()))
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    this.tracing = SqsxTracing.create(sdk);
  }

  SqsxTracing tracing() {
    return tracing;
  }

  io.opentelemetry.api.trace.Tracer tracer() {
    return sdk.getTracer("dev.sqsx.examples");
  }

  /** Keeps ended spans (up to {@value #KEPT}) for the report. */
  private final class Keeper implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      if (ended.size() < KEPT) {
        ended.add(span.toSpanData());
      }
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }

  /** Prints what the spans say and one retried order's trace. */
  void report(PrintStream out) {
    List<SpanData> spans = new ArrayList<>(ended);
    List<SpanData> process =
        spans.stream().filter(span -> span.getKind() == SpanKind.CONSUMER).toList();
    Map<String, Long> outcomes =
        process.stream()
            .collect(
                Collectors.groupingBy(
                    span -> Objects.toString(span.getAttributes().get(OUTCOME), "open"),
                    TreeMap::new,
                    Collectors.counting()));
    Map<String, SpanData> byId =
        spans.stream().collect(Collectors.toMap(SpanData::getSpanId, span -> span, (a, b) -> a));
    long childOfSend =
        process.stream()
            .filter(span -> byId.containsKey(span.getParentSpanId()))
            .filter(span -> byId.get(span.getParentSpanId()).getName().startsWith("send"))
            .count();
    String byOutcome =
        outcomes.entrySet().stream()
            .map(entry -> String.format("%s %,d", entry.getKey(), entry.getValue()))
            .collect(Collectors.joining(", "));
    out.printf(
        "traces         %,d spans: %,d process spans (%s), %,d of them children of the send that"
            + " sent their message; %,d injections skipped%n",
        spans.size(), process.size(), byOutcome, childOfSend, tracing.injectionsSkipped());
    process.stream()
        .filter(span -> "retried".equals(span.getAttributes().get(OUTCOME)))
        .findFirst()
        .ifPresent(retried -> printTrace(out, spans, retried));
  }

  private static void printTrace(PrintStream out, List<SpanData> spans, SpanData retried) {
    String messageId = retried.getAttributes().get(AttributeKey.stringKey("messaging.message.id"));
    List<SpanData> trace =
        spans.stream()
            .filter(span -> span.getTraceId().equals(retried.getTraceId()))
            .filter(
                span ->
                    span.getKind() != SpanKind.CONSUMER
                        || messageId.equals(
                            span.getAttributes()
                                .get(AttributeKey.stringKey("messaging.message.id"))))
            .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
            .toList();
    long start = trace.get(0).getStartEpochNanos();
    out.printf("               one retried message, trace %s:%n", retried.getTraceId());
    for (SpanData span : trace) {
      String indent =
          span.getKind() == SpanKind.CONSUMER ? "                   └ " : "                 ";
      out.printf(
          "%s%s (%s) +%d ms, %d ms%s%n",
          indent,
          span.getName(),
          span.getKind().name().toLowerCase(java.util.Locale.ROOT),
          (span.getStartEpochNanos() - start) / 1_000_000,
          (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1_000_000,
          span.getKind() == SpanKind.CONSUMER
              ? ": attempt "
                  + span.getAttributes().get(ATTEMPT)
                  + ", "
                  + span.getAttributes().get(OUTCOME)
                  + (span.getAttributes().get(ERROR_TYPE) == null
                      ? ""
                      : ", " + span.getAttributes().get(ERROR_TYPE))
              : "");
    }
  }

  @Override
  public void close() {
    sdk.close();
  }
}
