/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import dev.sqsx.consumer.MessageHandler;
import dev.sqsx.consumer.PayloadFailureBridge;
import dev.sqsx.consumer.RetryPolicy;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.consumer.SqsConsumerBuilder;
import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.idempotency.IdempotencyKey;
import dev.sqsx.idempotency.IdempotentHandler;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Finds {@link SqsxListener} methods, checks them when the context's singletons are ready (their
 * parameters, their queues, their settings: a problem fails startup, naming the method), runs each
 * in an {@code SqsConsumer} from the context's start, and closes them — gracefully, releasing what
 * has not started — when the context stops, in phase {@link #PHASE}: before the web server's
 * graceful shutdown ends and before any bean (the SDK clients among them) is destroyed.
 */
public final class SqsxListeners
    implements BeanPostProcessor, SmartInitializingSingleton, SmartLifecycle, BeanFactoryAware {

  /** The lifecycle phase: started after, and stopped before, lower phases. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  private static final Logger LOG = LoggerFactory.getLogger(SqsxListeners.class);

  /** One annotated method of one bean. */
  private record Endpoint(String beanName, Object bean, Method method, SqsxListener annotation) {
    String id() {
      return annotation.id().isEmpty() ? beanName + "." + method.getName() : annotation.id();
    }

    String describe() {
      return "@SqsxListener " + method.getDeclaringClass().getName() + "." + method.getName();
    }
  }

  /**
   * A listener's consumer, once built.
   *
   * @param circuitBreaker its resilience4j {@code CircuitBreaker}, or null
   */
  public record Listener(String id, String queueUrl, SqsConsumer consumer, Object circuitBreaker) {}

  private final List<Endpoint> endpoints = Collections.synchronizedList(new ArrayList<>());
  private final List<Listener> listeners = new ArrayList<>();
  private ConfigurableBeanFactory beanFactory;
  private volatile boolean running;

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = (ConfigurableBeanFactory) beanFactory;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
    Class<?> type = AopUtils.getTargetClass(bean);
    Map<Method, SqsxListener> annotated =
        MethodIntrospector.selectMethods(
            type,
            (MethodIntrospector.MetadataLookup<SqsxListener>)
                method -> AnnotatedElementUtils.findMergedAnnotation(method, SqsxListener.class));
    annotated.forEach(
        (method, annotation) -> {
          Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
          invocable.setAccessible(true);
          endpoints.add(new Endpoint(beanName, bean, invocable, annotation));
        });
    return bean;
  }

  /** Builds every listener's consumer; any problem fails startup, naming the method. */
  @Override
  public void afterSingletonsInstantiated() {
    if (endpoints.isEmpty()) {
      return;
    }
    SqsxProperties properties = beanFactory.getBean(SqsxProperties.class);
    SqsAsyncClient sqs = client();
    PayloadFailureBridge failures =
        beanFactory.containsBean("sqsxPayloadFailures")
            ? beanFactory.getBean("sqsxPayloadFailures", PayloadFailureBridge.class)
            : null;
    for (Endpoint endpoint : endpoints) {
      String queueUrl = queueUrl(sqs, endpoint);
      MessageHandler handler =
          ListenerInvocation.handler(
              beanFactory, endpoint.describe(), endpoint.bean(), endpoint.method());
      if (!endpoint.annotation().idempotencyKey().isEmpty()) {
        handler = idempotent(endpoint, properties, handler);
      }
      Object breaker =
          endpoint.annotation().circuitBreaker().isEmpty()
              ? null
              : OptionalBeans.Breakers.named(
                  beanFactory, endpoint.describe(), endpoint.annotation().circuitBreaker());
      listeners.add(
          new Listener(
              endpoint.id(),
              queueUrl,
              consumer(endpoint, properties, sqs, failures, queueUrl, handler, breaker),
              breaker));
    }
  }

  /** The extended client when a payload store is configured, else the application's client. */
  private SqsAsyncClient client() {
    if (beanFactory.containsBean(SqsxAutoConfiguration.EXTENDED_ASYNC_CLIENT)) {
      return beanFactory.getBean(SqsxAutoConfiguration.EXTENDED_ASYNC_CLIENT, SqsAsyncClient.class);
    }
    return beanFactory.getBean(SqsAsyncClient.class);
  }

  private SqsConsumer consumer(
      Endpoint endpoint,
      SqsxProperties properties,
      SqsAsyncClient sqs,
      PayloadFailureBridge failures,
      String queueUrl,
      MessageHandler handler,
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
            .handler(handler)
            .retryPolicy(
                RetryPolicy.exponential(
                    defaults.retry().initial(),
                    defaults.retry().multiplier(),
                    defaults.retry().max()));
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

  private String queueUrl(SqsAsyncClient sqs, Endpoint endpoint) {
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

  private MessageHandler idempotent(
      Endpoint endpoint, SqsxProperties properties, MessageHandler handler) {
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

  private static IdempotencyKey key(Endpoint endpoint) {
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

  @Override
  public void start() {
    for (Listener listener : listeners) {
      listener.consumer().start();
    }
    running = true;
    if (!listeners.isEmpty()) {
      LOG.info(
          "started {} sqsx listener(s): {}",
          listeners.size(),
          Arrays.toString(listeners.stream().map(Listener::id).toArray()));
    }
  }

  @Override
  public void stop() {
    closeAll();
  }

  /** Closes every consumer at once (each gracefully, within its shutdown timeout). */
  @Override
  public void stop(Runnable callback) {
    Thread closer =
        new Thread(
            () -> {
              try {
                closeAll();
              } finally {
                callback.run();
              }
            },
            "sqsx-listeners-shutdown");
    closer.start();
  }

  private void closeAll() {
    running = false;
    CompletableFuture.allOf(
            listeners.stream()
                .map(listener -> CompletableFuture.runAsync(listener.consumer()::close))
                .toArray(CompletableFuture[]::new))
        .join();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** The listeners built (for health and tests): id → listener. */
  public Map<String, Listener> listeners() {
    Map<String, Listener> byId = new LinkedHashMap<>();
    listeners.forEach(listener -> byId.put(listener.id(), listener));
    return byId;
  }

  /** The state of a listener's circuit breaker (CLOSED, OPEN, HALF_OPEN, ...). */
  static String breakerState(Listener listener) {
    return OptionalBeans.Breakers.state(listener.circuitBreaker());
  }
}
