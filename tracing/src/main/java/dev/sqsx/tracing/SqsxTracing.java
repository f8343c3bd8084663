/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.tracing;

import dev.sqsx.consumer.MessageObserver;
import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.extended.AttributeInjector;
import dev.sqsx.extended.SnsEnvelopeException;
import dev.sqsx.extended.SnsNotification;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * OpenTelemetry tracing for sqsx: trace context travels with each message, and each consumed
 * message gets a CONSUMER span that covers its handler and ends when the consumer is done with it.
 *
 * <pre>{@code
 * SqsxTracing tracing = SqsxTracing.create(openTelemetry);
 *
 * // producer: the extended clients inject before they offload ...
 * SqsExtendedClient.builder().sqsClient(sqs).payloadStore(store).attributeInjector(tracing).build();
 * // ... a plain client through the SDK's interceptor
 * SqsClient.builder().overrideConfiguration(c -> c.addExecutionInterceptor(tracing.interceptor()));
 *
 * // consumer: a span per message, current while the handler runs
 * SqsConsumer.builder().sqsClient(sqsAsync).queueUrl(url).handler(h).observer(tracing).build();
 * }</pre>
 *
 * <p><b>Producer.</b> The current context is injected with the propagator ({@link
 * OpenTelemetry#getPropagators()}'s, or W3C {@code traceparent} / {@code tracestate} when that one
 * injects nothing) as String message attributes, on {@code SendMessage} and on each {@code
 * SendMessageBatch} entry. A user's attribute is never replaced, and SQS's 10 attributes per
 * message are never exceeded (the extended client's size marker counted): a message with no room is
 * sent without trace context and counted ({@link #injectionsSkipped()}, and the metric {@code
 * sqsx.tracing.injections.skipped}).
 *
 * <p><b>Consumer.</b> Per message, the producer's context is read from the message attributes (the
 * propagator's fields), else from the {@code AWSTraceHeader} system attribute (X-Ray format, what
 * AWS services and the OpenTelemetry agent's SDK instrumentation send), else — for a queue
 * subscribed to an SNS topic without raw delivery, read by a plain client — from the SNS envelope's
 * message attributes. The handler runs inside a {@link SpanKind#CONSUMER} span named {@code process
 * <queue name>} whose <b>parent</b> is that context, and which also <b>links</b> to it (the
 * messaging conventions ask a process span to link its message's creation context): a message is
 * one causal story, and the producer's trace shows what became of each message it sent. A span
 * current on the thread where the process span starts (an executor running tasks inside spans of
 * its own) is linked, not taken as the parent. The span is current for the handler and everything
 * it calls on its thread (an SDK or idempotency-store call instrumented by OpenTelemetry is its
 * child); heartbeats are events on it; it ends when the message is deleted, retried or
 * dead-lettered, with {@code sqsx.outcome}, {@code sqsx.attempt} and, on failure, an error status,
 * {@code error.type} and the exception. A retry is a new span of the same trace with a higher
 * attempt. A batch handler's run is one span with a <b>link</b> to each message's context (a span
 * has one parent; links keep every producer's trace reachable).
 *
 * <p>Attributes follow OpenTelemetry's messaging semantic conventions: {@code messaging.system}
 * {@code aws_sqs}, {@code messaging.operation.type} / {@code .name} {@code process}, {@code
 * messaging.destination.name} (the queue name), {@code messaging.message.id}, {@code
 * messaging.batch.message_count}, {@code server.address} / {@code server.port} (the queue URL's
 * host and port, the scheme's default port when it has none), {@code aws.sqs.queue.url}; sqsx's own
 * under {@code sqsx.}. All are given when the span is created, for samplers. No body is ever
 * recorded.
 *
 * <p>Thread-safe. With a no-op {@code OpenTelemetry} nothing is recorded and nothing is injected.
 */
public final class SqsxTracing implements AttributeInjector, MessageObserver {

  private static final Logger LOG = LoggerFactory.getLogger(SqsxTracing.class);
  private static final String BAGGAGE = "baggage";

  /** The instrumentation scope name of sqsx's spans and metrics. */
  public static final String INSTRUMENTATION_NAME = "dev.sqsx.tracing";

  static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<Long> BATCH_COUNT =
      AttributeKey.longKey("messaging.batch.message_count");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> AWS_QUEUE_URL = AttributeKey.stringKey("aws.sqs.queue.url");
  static final AttributeKey<String> QUEUE_URL = AttributeKey.stringKey("sqsx.queue.url");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("sqsx.attempt");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("sqsx.outcome");
  static final AttributeKey<String> DETAIL = AttributeKey.stringKey("sqsx.outcome.detail");
  static final AttributeKey<Long> VISIBILITY_SECONDS =
      AttributeKey.longKey("sqsx.visibility.seconds");
  static final AttributeKey<String> SNS_TOPIC = AttributeKey.stringKey("sqsx.sns.topic_arn");

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final LongCounter skippedMetric;
  private final LongAdder skipped = new LongAdder();

  private SqsxTracing(Builder builder) {
    OpenTelemetry openTelemetry = builder.openTelemetry;
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
    TextMapPropagator configured =
        builder.propagator != null
            ? builder.propagator
            : openTelemetry.getPropagators().getTextMapPropagator();
    this.propagator =
        configured.fields().isEmpty() ? W3CTraceContextPropagator.getInstance() : configured;
    this.skippedMetric =
        openTelemetry
            .getMeter(INSTRUMENTATION_NAME)
            .counterBuilder("sqsx.tracing.injections.skipped")
            .setDescription(
                "Messages sent without trace context: no room under SQS's 10 attributes")
            .setUnit("{message}")
            .build();
    if (javaAgentPresent()) {
      LOG.info(
          "OpenTelemetry Java agent present: it traces the SDK calls, sqsx traces each message's"
              + " processing (one process span per handler run, none from the agent)");
    }
  }

  /** Tracing with {@code openTelemetry}'s tracer, meter and propagator. */
  public static SqsxTracing create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * Whether the OpenTelemetry Java agent runs in this JVM (its bootstrap classes are loaded). Its
   * AWS SDK instrumentation then adds a span per SDK call (receives, deletes, heartbeats, sends to
   * a DLQ) — sqsx's spans do not double those — and would add a "process" span per message of each
   * received list it sees iterated; sqsx copies received lists without iterating them, so for
   * messages an {@code SqsConsumer} handles the process span is sqsx's alone, whether or not this
   * tracing is configured. Nothing needs switching.
   */
  public static boolean javaAgentPresent() {
    try {
      Class.forName("io.opentelemetry.javaagent.bootstrap.AgentInitializer", false, null);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** A builder, to choose the propagator. */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(openTelemetry);
  }

  /** The propagator messages carry their context with. */
  public TextMapPropagator propagator() {
    return propagator;
  }

  // ---------------------------------------------------------------------------------- producer

  /**
   * The current context, as the propagator's String message attributes (empty when there is nothing
   * to propagate); names in {@code present} are left out.
   */
  @Override
  public Map<String, MessageAttributeValue> attributesFor(
      String queueUrl, Map<String, MessageAttributeValue> present) {
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>(4);
    propagator.inject(
        Context.current(),
        attributes,
        (carrier, key, value) -> {
          if (carrier != null && !present.containsKey(key)) {
            carrier.put(key, MessageAttributes.string(value));
          }
        });
    MessageAttributeValue baggage = attributes.remove(BAGGAGE);
    if (baggage != null) {
      attributes.put(BAGGAGE, baggage); // the trace context first: baggage only if there is room
    }
    return attributes;
  }

  @Override
  public void skipped(String queueUrl, Map<String, MessageAttributeValue> present) {
    skipped(queueUrl, present, List.of("trace context"));
  }

  @Override
  public void skipped(
      String queueUrl, Map<String, MessageAttributeValue> present, List<String> names) {
    skipped.add(names.size());
    skippedMetric.add(names.size(), Attributes.of(DESTINATION, Queues.name(queueUrl)));
    LOG.debug(
        "message to {} sent without {}: its {} attribute(s) leave no room",
        queueUrl,
        names,
        present.size());
  }

  /**
   * Propagation fields (trace context, baggage) left off messages so far because SQS's attribute
   * limit left no room for them.
   */
  public long injectionsSkipped() {
    return skipped.sum();
  }

  /**
   * An SDK interceptor that injects into {@code SendMessage} and {@code SendMessageBatch} of a
   * plain client (see {@link AttributeInjector#interceptor}); for an extended client use {@code
   * attributeInjector(tracing)} instead (it also counts the size marker).
   */
  public ExecutionInterceptor interceptor() {
    return AttributeInjector.interceptor(this);
  }

  // ---------------------------------------------------------------------------------- consumer

  /**
   * The producer's context of a received message: its message attributes, else its {@code
   * AWSTraceHeader}, else the message attributes inside its SNS envelope; {@link Context#root()}
   * when none carries one.
   */
  public Context extract(Message message) {
    Context fromAttributes =
        propagator.extract(Context.root(), message.messageAttributes(), MessageAttributes.GETTER);
    if (Span.fromContext(fromAttributes).getSpanContext().isValid()) {
      return fromAttributes;
    }
    String xray = message.attributes().get(MessageSystemAttributeName.AWS_TRACE_HEADER);
    SpanContext fromXray = XRayHeader.parse(xray);
    if (fromXray.isValid()) {
      return Context.root().with(Span.wrap(fromXray));
    }
    Map<String, MessageAttributeValue> inEnvelope = envelopeAttributes(message);
    if (!inEnvelope.isEmpty()) {
      Context fromEnvelope =
          propagator.extract(Context.root(), inEnvelope, MessageAttributes.GETTER);
      if (Span.fromContext(fromEnvelope).getSpanContext().isValid()) {
        return fromEnvelope;
      }
    }
    return fromAttributes;
  }

  /** The producer's context of a message a consumer received; see {@link #extract(Message)}. */
  public Context extract(ReceivedMessage message) {
    return extract(message.sdkMessage());
  }

  private static Map<String, MessageAttributeValue> envelopeAttributes(Message message) {
    String body = message.body();
    if (body == null || !body.startsWith("{")) {
      return Map.of();
    }
    try {
      return SnsNotification.parse(body).map(SnsNotification::messageAttributes).orElse(Map.of());
    } catch (SnsEnvelopeException e) {
      return Map.of(); // not readable: the consumer reports it; tracing just has no parent
    }
  }

  @Override
  public Observation handlerStarting(ReceivedMessage message) {
    return messageRun(message, null);
  }

  @Override
  public Observation unhandled(ReceivedMessage message, Throwable error) {
    return messageRun(message, error);
  }

  /**
   * One message's span: a child of the message's creation context and linked to it (OpenTelemetry's
   * messaging conventions ask for the link; the parent is their opt-in for single messages), and
   * linked to the calling thread's own span, if it has one.
   *
   * @param notRun why no handler runs for it (its payload could not be resolved), or null
   */
  private Observation messageRun(ReceivedMessage message, Throwable notRun) {
    Context producer = extract(message);
    SpanContext creation = Span.fromContext(producer).getSpanContext();
    SpanBuilder builder = messageSpan(message).setParent(producer);
    if (creation.isValid()) {
      builder.addLink(creation);
    }
    linkAmbient(builder, creation);
    Span span = builder.startSpan();
    if (notRun != null) {
      span.addEvent("sqsx.handler_not_run", Attributes.of(ERROR_TYPE, notRun.getClass().getName()));
    }
    return new ProcessSpan(producer.with(span), span, 1, false);
  }

  @Override
  public Observation batchStarting(List<ReceivedMessage> messages) {
    String queueUrl = messages.get(0).queueUrl();
    SpanBuilder builder =
        processSpan(queueUrl).setNoParent().setAttribute(BATCH_COUNT, (long) messages.size());
    for (ReceivedMessage message : messages) {
      SpanContext producer = Span.fromContext(extract(message)).getSpanContext();
      if (producer.isValid()) {
        builder.addLink(producer, Attributes.of(MESSAGE_ID, message.messageId()));
      }
    }
    linkAmbient(builder, SpanContext.getInvalid());
    Span span = builder.startSpan();
    return new ProcessSpan(Context.root().with(span), span, messages.size(), true);
  }

  /**
   * Links the span current on the calling thread (say, a span the application's executor runs its
   * tasks in), which a process span does not take as its parent, so that the two stay correlated.
   */
  private static void linkAmbient(SpanBuilder builder, SpanContext creation) {
    SpanContext ambient = Span.current().getSpanContext();
    if (ambient.isValid() && !ambient.equals(creation)) {
      builder.addLink(ambient);
    }
  }

  private SpanBuilder messageSpan(ReceivedMessage message) {
    SpanBuilder builder =
        processSpan(message.queueUrl())
            .setAttribute(MESSAGE_ID, message.messageId())
            .setAttribute(ATTEMPT, (long) message.attempt());
    Optional<String> topic = message.snsTopicArn();
    topic.ifPresent(arn -> builder.setAttribute(SNS_TOPIC, arn));
    return builder;
  }

  /** A process span with the attributes a sampler may decide on, all given at its creation. */
  private SpanBuilder processSpan(String queueUrl) {
    String queue = Queues.name(queueUrl);
    SpanBuilder builder =
        tracer
            .spanBuilder("process " + queue)
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute(MESSAGING_SYSTEM, "aws_sqs")
            .setAttribute(OPERATION_TYPE, "process")
            .setAttribute(OPERATION_NAME, "process")
            .setAttribute(DESTINATION, queue)
            .setAttribute(AWS_QUEUE_URL, queueUrl)
            .setAttribute(QUEUE_URL, queueUrl);
    Queues.Server server = Queues.server(queueUrl);
    if (server != null) {
      builder.setAttribute(SERVER_ADDRESS, server.address());
      if (server.port() > 0) {
        builder.setAttribute(SERVER_PORT, (long) server.port());
      }
    }
    return builder;
  }

  /** Chooses the propagator; everything else comes from the {@code OpenTelemetry} given. */
  public static final class Builder {

    private final OpenTelemetry openTelemetry;
    private TextMapPropagator propagator;

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry cannot be null");
    }

    /**
     * The propagator for message attributes. Default: {@code openTelemetry.getPropagators()}'s
     * text-map propagator, or W3C trace context when that one has no fields.
     */
    public Builder propagator(TextMapPropagator propagator) {
      this.propagator = Objects.requireNonNull(propagator, "propagator cannot be null");
      return this;
    }

    /** The tracing. */
    public SqsxTracing build() {
      return new SqsxTracing(this);
    }
  }
}
