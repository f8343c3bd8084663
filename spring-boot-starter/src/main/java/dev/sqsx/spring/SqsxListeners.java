/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import dev.sqsx.consumer.PayloadFailureBridge;
import dev.sqsx.consumer.SqsConsumer;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanNameAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Finds {@link SqsxListener} methods, checks them when the context's singletons are ready (their
 * parameters, their queues, their settings: a problem fails startup, naming the method), runs each
 * in an {@code SqsConsumer} from the context's start, and closes them — gracefully, releasing what
 * has not started — when the context stops, in phase {@link #PHASE}: first, with Spring Cloud AWS's
 * listener container registry (which is stopped after them, see {@code
 * SqsxSpringCloudAwsAutoConfiguration}), before the web server's graceful shutdown ends and before
 * any bean (the SDK clients among them) is destroyed.
 *
 * <p>Restartable: a stopped context started again ({@code stop()} then {@code start()}) runs every
 * listener in a new consumer, made from the same settings.
 */
public final class SqsxListeners
    implements BeanPostProcessor,
        SmartInitializingSingleton,
        SmartLifecycle,
        BeanFactoryAware,
        BeanNameAware {

  /**
   * The lifecycle phase: started after, and stopped before, lower phases. It is Spring Cloud AWS's
   * listener containers' phase (and Spring's default): with Spring Cloud AWS present, sqsx stops
   * accepting work before its container registry stops, not after its long polls return.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE;

  private static final Logger LOG = LoggerFactory.getLogger(SqsxListeners.class);

  /**
   * A listener's consumer, once built.
   *
   * @param circuitBreaker its resilience4j {@code CircuitBreaker}, or null
   */
  public record Listener(String id, String queueUrl, SqsConsumer consumer, Object circuitBreaker) {}

  /** A listener's recipe and its current consumer (replaced when the listener restarts). */
  private static final class Slot {
    final ListenerFactory.Recipe recipe;
    volatile Listener current;
    boolean started;

    Slot(ListenerFactory.Recipe recipe) {
      this.recipe = recipe;
      this.current = listener(recipe.newConsumer());
    }

    Listener listener(SqsConsumer consumer) {
      return new Listener(recipe.id(), recipe.queueUrl(), consumer, recipe.circuitBreaker());
    }
  }

  private final List<ListenerEndpoint> endpoints = Collections.synchronizedList(new ArrayList<>());
  private final List<Slot> slots = new ArrayList<>();
  private final Object lifecycle = new Object();
  private ConfigurableBeanFactory beanFactory;
  private String beanName = "sqsxListeners";
  private volatile boolean running;

  /** The close of the last stop: completes when its consumers are closed (guarded by lifecycle). */
  private CompletableFuture<Void> closing = CompletableFuture.completedFuture(null);

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = (ConfigurableBeanFactory) beanFactory;
  }

  @Override
  public void setBeanName(String name) {
    this.beanName = name;
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
          endpoints.add(new ListenerEndpoint(beanName, bean, invocable, annotation));
        });
    return bean;
  }

  /** Builds every listener's consumer; any problem fails startup, naming the method. */
  @Override
  public void afterSingletonsInstantiated() {
    ShutdownOrder.stopBeforeSpringCloudAws(beanFactory, beanName);
    if (endpoints.isEmpty()) {
      return;
    }
    PayloadFailureBridge failures =
        beanFactory.containsBean("sqsxPayloadFailures")
            ? beanFactory.getBean("sqsxPayloadFailures", PayloadFailureBridge.class)
            : null;
    ListenerFactory factory =
        new ListenerFactory(
            beanFactory, beanFactory.getBean(SqsxProperties.class), client(), failures);
    for (ListenerEndpoint endpoint : endpoints) {
      slots.add(new Slot(factory.recipe(endpoint)));
    }
  }

  /** The extended client when a payload store is configured, else the application's client. */
  private SqsAsyncClient client() {
    if (beanFactory.containsBean(SqsxAutoConfiguration.EXTENDED_ASYNC_CLIENT)) {
      return beanFactory.getBean(SqsxAutoConfiguration.EXTENDED_ASYNC_CLIENT, SqsAsyncClient.class);
    }
    return beanFactory.getBean(SqsAsyncClient.class);
  }

  /** Starts every listener; after a stop, each in a new consumer. */
  @Override
  public void start() {
    synchronized (lifecycle) {
      if (running) {
        return;
      }
      // a stop still closing (Spring's asynchronous stop) ends first: its consumers release what
      // they hold, and their place in the client's long-poll budget is free for the new ones
      closing.join();
      for (Slot slot : slots) {
        if (slot.started) {
          slot.current = slot.listener(slot.recipe.newConsumer());
        }
        slot.started = true;
        slot.current.consumer().start();
      }
      running = true;
    }
    if (!slots.isEmpty()) {
      LOG.info(
          "started {} sqsx listener(s): {}",
          slots.size(),
          Arrays.toString(slots.stream().map(slot -> slot.recipe.id()).toArray()));
    }
  }

  @Override
  public void stop() {
    closeAll().join();
  }

  /**
   * Closes every consumer at once (each gracefully, within its shutdown timeout) on a thread of its
   * own, then runs {@code callback}. A {@link #start()} called meanwhile waits for this close and
   * then starts new consumers; this stop closes only the consumers running when it was called.
   */
  @Override
  public void stop(Runnable callback) {
    var unused = closeAll().whenComplete((closed, error) -> callback.run());
  }

  /**
   * Stops the listeners now and closes the consumers they run (on another thread); completes when
   * they are closed, after any earlier close still going on.
   */
  private CompletableFuture<Void> closeAll() {
    synchronized (lifecycle) {
      running = false;
      List<SqsConsumer> consumers = slots.stream().map(slot -> slot.current.consumer()).toList();
      CompletableFuture<Void> previous = closing;
      CompletableFuture<Void> done = new CompletableFuture<>();
      Thread closer =
          new Thread(
              () -> {
                try {
                  CompletableFuture.allOf(
                          consumers.stream()
                              .map(consumer -> CompletableFuture.runAsync(consumer::close))
                              .toArray(CompletableFuture[]::new))
                      .join();
                  previous.join();
                } finally {
                  done.complete(null);
                }
              },
              "sqsx-listeners-shutdown");
      closer.start();
      closing = done;
      return done;
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** The listeners built (for health and tests): id → listener, each with its current consumer. */
  public Map<String, Listener> listeners() {
    Map<String, Listener> byId = new LinkedHashMap<>();
    for (Slot slot : slots) {
      byId.put(slot.recipe.id(), slot.current);
    }
    return byId;
  }

  /** The state of a listener's circuit breaker (CLOSED, OPEN, HALF_OPEN, ...). */
  static String breakerState(Listener listener) {
    return OptionalBeans.Breakers.state(listener.circuitBreaker());
  }
}
