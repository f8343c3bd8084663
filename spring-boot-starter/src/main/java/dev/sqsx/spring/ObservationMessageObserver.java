/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import dev.sqsx.consumer.MessageObserver;
import dev.sqsx.consumer.ReceivedMessage;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * sqsx's consumer hook over Micrometer's {@code ObservationRegistry} — what Spring applications
 * observe with (and what Micrometer Tracing turns into spans): one {@code sqsx.process} observation
 * per handler run, a consumer-side {@link ReceiverContext} whose carrier is the message (so a
 * tracing bridge continues the producer's trace from its {@code traceparent} attribute), opened as
 * a scope around the handler, stopped when the consumer is done with every message of the run —
 * with the error when one failed. The {@code sqsx.outcome} key says where the message went.
 */
final class ObservationMessageObserver implements MessageObserver {

  static final String NAME = "sqsx.process";

  private final ObservationRegistry registry;

  ObservationMessageObserver(ObservationRegistry registry) {
    this.registry = registry;
  }

  @Override
  public MessageObserver.Observation handlerStarting(ReceivedMessage message) {
    ReceiverContext<ReceivedMessage> context = context(message);
    io.micrometer.observation.Observation observation =
        io.micrometer.observation.Observation.createNotStarted(NAME, () -> context, registry)
            .contextualName("process " + queueName(message.queueUrl()))
            .lowCardinalityKeyValues(KeyValues.of("messaging.system", "aws_sqs"))
            .lowCardinalityKeyValue("messaging.destination.name", queueName(message.queueUrl()))
            .highCardinalityKeyValue("messaging.message.id", message.messageId())
            .highCardinalityKeyValue("sqsx.attempt", Integer.toString(message.attempt()))
            .start();
    return new Run(observation, 1);
  }

  @Override
  public MessageObserver.Observation batchStarting(List<ReceivedMessage> messages) {
    ReceiverContext<ReceivedMessage> context = context(messages.get(0));
    String queue = queueName(messages.get(0).queueUrl());
    io.micrometer.observation.Observation observation =
        io.micrometer.observation.Observation.createNotStarted(NAME, () -> context, registry)
            .contextualName("process " + queue)
            .lowCardinalityKeyValues(KeyValues.of("messaging.system", "aws_sqs"))
            .lowCardinalityKeyValue("messaging.destination.name", queue)
            .highCardinalityKeyValue(
                "messaging.batch.message_count", Integer.toString(messages.size()))
            .start();
    return new Run(observation, messages.size());
  }

  private static ReceiverContext<ReceivedMessage> context(ReceivedMessage message) {
    ReceiverContext<ReceivedMessage> context =
        new ReceiverContext<>(
            (carrier, key) -> {
              MessageAttributeValue value = carrier.messageAttributes().get(key);
              return value == null ? null : value.stringValue();
            });
    context.setCarrier(message);
    context.setRemoteServiceName("aws-sqs");
    return context;
  }

  private static String queueName(String queueUrl) {
    return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
  }

  /** One handler run's observation, stopped with its last message's settlement. */
  private static final class Run implements MessageObserver.Observation {
    private final io.micrometer.observation.Observation observation;
    private final AtomicInteger unsettled;

    Run(io.micrometer.observation.Observation observation, int messages) {
      this.observation = observation;
      this.unsettled = new AtomicInteger(messages);
    }

    @Override
    public MessageObserver.Scope open() {
      io.micrometer.observation.Observation.Scope scope = observation.openScope();
      return scope::close;
    }

    @Override
    public void visibilityExtended(ReceivedMessage message, int seconds) {
      observation.event(io.micrometer.observation.Observation.Event.of("sqsx.visibility_extended"));
    }

    @Override
    public void settled(
        ReceivedMessage message, MessageObserver.Outcome outcome, Throwable error, String detail) {
      observation.lowCardinalityKeyValue("sqsx.outcome", outcome.name().toLowerCase(Locale.ROOT));
      if (error != null) {
        observation.error(error);
      }
      if (unsettled.decrementAndGet() == 0) {
        observation.stop();
      }
    }
  }
}
