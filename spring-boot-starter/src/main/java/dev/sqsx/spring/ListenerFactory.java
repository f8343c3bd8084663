/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import dev.sqsx.consumer.AsyncMessageHandler;
import dev.sqsx.consumer.MessageHandler;
import dev.sqsx.consumer.PayloadFailureBridge;
import dev.sqsx.consumer.RetryPolicy;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.consumer.SqsConsumerBuilder;
import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.idempotency.IdempotencyKey;
import dev.sqsx.idempotency.IdempotentHandler;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Turns a {@link ListenerEndpoint} into what its consumers are made from: the queue URL, the
 * handler (with idempotency when declared), the circuit breaker and the consumer's settings. Every
 * problem is an {@link SqsxConfigurationException} naming the method.
 */
final class ListenerFactory {

  /**
   * What a listener's consumers are made from; {@link #newConsumer} makes a fresh, unstarted one
   * each time (a closed consumer cannot start again, so a restarted listener takes a new one).
   */
  record Recipe(
      String id, String queueUrl, Object circuitBreaker, Supplier<SqsConsumer> consumers) {
    SqsConsumer newConsumer() {
      return consumers.get();
    }
  }

  private final ConfigurableBeanFactory beanFactory;
  private final SqsxProperties properties;
  private final SqsAsyncClient sqs;
  private final PayloadFailureBridge failures;

  ListenerFactory(
      ConfigurableBeanFactory beanFactory,
      SqsxProperties properties,
      SqsAsyncClient sqs,
      PayloadFailureBridge failures) {
    this.beanFactory = beanFactory;
    this.properties = properties;
    this.sqs = sqs;
    this.failures = failures;
  }

  /** Checks the endpoint and prepares its consumers; a problem fails here, naming the method. */
  Recipe recipe(ListenerEndpoint endpoint) {
    String queueUrl = queueUrl(endpoint);
    Consumer<SqsConsumerBuilder> handler;
    if (ListenerReplies.replies(endpoint.method())) {
      ListenerReplies.check(endpoint);
      AsyncMessageHandler responder =
          ListenerReplies.responder(
              sqs,
              endpoint,
              ListenerInvocation.call(
                  beanFactory, endpoint.describe(), endpoint.bean(), endpoint.method()));
      handler = builder -> builder.asyncHandler(responder);
    } else {
      MessageHandler invoker =
          ListenerInvocation.handler(
              beanFactory, endpoint.describe(), endpoint.bean(), endpoint.method());
      MessageHandler messages =
          endpoint.annotation().idempotencyKey().isEmpty()
              ? invoker
              : idempotent(endpoint, invoker);
      handler = builder -> builder.handler(messages);
    }
    Object breaker =
        endpoint.annotation().circuitBreaker().isEmpty()
            ? null
            : OptionalBeans.Breakers.named(
                beanFactory, endpoint.describe(), endpoint.annotation().circuitBreaker());
    Consumer<SqsConsumerBuilder> finalHandler = handler;
    return new Recipe(
        endpoint.id(),
        queueUrl,
        breaker,
        () -> consumer(endpoint, queueUrl, finalHandler, breaker));
  }

  private SqsConsumer consumer(
      ListenerEndpoint endpoint,
      String queueUrl,
      Consumer<SqsConsumerBuilder> handler,
      Object breaker) {
    SqsxProperties.Consumer defaults = properties.consumer();
    int concurrency =
        endpoint.annotation().concurrency() > 0
            ? endpoint.annotation().concurrency()
            : defaults.concurrency() != null ? defaults.concurrency() : 10;
    SqsConsumerBuilder builder =
        SqsConsumer.builder()
            .sqsClient(sqs)
            .queueUrl(queueUrl)
            .concurrency(concurrency)
            .retryPolicy(
                RetryPolicy.exponential(
                    defaults.retry().initial(),
                    defaults.retry().multiplier(),
                    defaults.retry().max()));
    handler.accept(builder);
    if (defaults.waitTime() != null) {
      builder.waitTime(defaults.waitTime());
    }
    if (defaults.visibilityTimeout() != null) {
      builder.visibilityTimeout(defaults.visibilityTimeout());
    }
    if (defaults.maxProcessingTime() != null) {
      builder.maxProcessingTime(defaults.maxProcessingTime());
    }
    if (defaults.shutdownTimeout() != null) {
      builder.shutdownTimeout(defaults.shutdownTimeout());
    }
    if (defaults.maxLongPolls() != null) {
      builder.maxLongPolls(defaults.maxLongPolls());
    }
    if (failures != null) {
      builder.payloadFailures(failures);
    }
    OptionalBeans.Metrics.bind(beanFactory, builder);
    OptionalBeans.Observers.bind(beanFactory, builder);
    if (breaker != null) {
      OptionalBeans.Breakers.bind(builder, breaker);
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new SqsxConfigurationException(endpoint.describe() + ": " + e.getMessage(), e);
    }
  }

  private String queueUrl(ListenerEndpoint endpoint) {
    String queue = beanFactory.resolveEmbeddedValue(endpoint.annotation().queue());
    if (queue == null || queue.isBlank()) {
      throw new SqsxConfigurationException(endpoint.describe() + ": queue is empty");
    }
    if (queue.startsWith("https://") || queue.startsWith("http://")) {
      return queue;
    }
    try {
      return sqs.getQueueUrl(r -> r.queueName(queue)).join().queueUrl();
    } catch (CompletionException e) {
      if (e.getCause() instanceof QueueDoesNotExistException) {
        throw new SqsxConfigurationException(
            endpoint.describe() + ": queue '" + queue + "' does not exist", e.getCause());
      }
      throw new SqsxConfigurationException(
          endpoint.describe() + ": cannot look up the URL of queue '" + queue + "'", e.getCause());
    }
  }

  private MessageHandler idempotent(ListenerEndpoint endpoint, MessageHandler handler) {
    SqsxProperties.Idempotency settings = properties.idempotency();
    if (!SqsxProperties.hasText(settings.table())) {
      throw new SqsxConfigurationException(
          endpoint.describe()
              + " has idempotencyKey \""
              + endpoint.annotation().idempotencyKey()
              + "\": set sqsx.idempotency.table (the DynamoDB table keys are claimed in)");
    }
    IdempotentHandler.Builder builder =
        IdempotentHandler.builder()
            .store(
                DynamoDbIdempotencyStore.create(
                    beanFactory.getBean(DynamoDbClient.class), settings.table()))
            .namespace(endpoint.id())
            .key(key(endpoint))
            .handler(handler);
    if (settings.lease() != null) {
      builder.lease(settings.lease());
    }
    if (settings.timeToLive() != null) {
      builder.timeToLive(settings.timeToLive());
    }
    return builder.build();
  }

  private static IdempotencyKey key(ListenerEndpoint endpoint) {
    String key = endpoint.annotation().idempotencyKey();
    return switch (key) {
      case "messageId" -> IdempotencyKey.messageId();
      case "deduplicationId" -> IdempotencyKey.deduplicationId();
      case "bodySha256" -> IdempotencyKey.bodySha256();
      default -> {
        if (!key.startsWith("/")) {
          throw new SqsxConfigurationException(
              endpoint.describe()
                  + ": idempotencyKey \""
                  + key
                  + "\" is none of messageId, deduplicationId, bodySha256 or a JSON pointer"
                  + " (/field)");
        }
        yield IdempotencyKey.jsonField(key);
      }
    };
  }
}
