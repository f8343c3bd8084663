/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import dev.sqsx.consumer.SqsConsumerBuilder;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * What a listener's consumer takes from the application when it has it — resilience4j circuit
 * breakers, a {@code MessageObserver} or Micrometer {@code ObservationRegistry}, a {@code
 * MeterRegistry} — each behind a class-path check, so none of them is needed.
 */
final class OptionalBeans {

  private OptionalBeans() {}

  /** resilience4j circuit breakers, when the application has resilience4j. */
  static final class Breakers {
    private static final String REGISTRY =
        "io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry";
    private static Object defaults;

    static Object named(ConfigurableBeanFactory beanFactory, String describe, String name) {
      if (!ClassUtils.isPresent(REGISTRY, Breakers.class.getClassLoader())) {
        throw new SqsxConfigurationException(
            describe
                + ": circuitBreaker \""
                + name
                + "\" needs resilience4j (io.github.resilience4j:resilience4j-circuitbreaker) on"
                + " the class path");
      }
      io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry registry =
          beanFactory instanceof DefaultListableBeanFactory factory
              ? factory
                  .getBeanProvider(
                      io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.class)
                  .getIfUnique(Breakers::defaultRegistry)
              : defaultRegistry();
      return registry.circuitBreaker(name);
    }

    private static synchronized io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry
        defaultRegistry() {
      if (defaults == null) {
        defaults = io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.ofDefaults();
      }
      return (io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry) defaults;
    }

    static void bind(SqsConsumerBuilder builder, Object breaker) {
      builder.circuitBreaker((io.github.resilience4j.circuitbreaker.CircuitBreaker) breaker);
    }

    static String state(Object breaker) {
      return ((io.github.resilience4j.circuitbreaker.CircuitBreaker) breaker).getState().name();
    }
  }

  /**
   * The application's {@code MessageObserver} bean (e.g. {@code SqsxTracing}), else its Micrometer
   * {@code ObservationRegistry}, else none.
   */
  static final class Observers {
    private static final boolean OBSERVATION =
        ClassUtils.isPresent(
            "io.micrometer.observation.ObservationRegistry", Observers.class.getClassLoader());

    static void bind(ConfigurableBeanFactory beanFactory, SqsConsumerBuilder builder) {
      if (!(beanFactory instanceof DefaultListableBeanFactory factory)) {
        return;
      }
      dev.sqsx.consumer.MessageObserver own =
          factory.getBeanProvider(dev.sqsx.consumer.MessageObserver.class).getIfUnique();
      if (own != null) {
        builder.observer(own);
        return;
      }
      if (OBSERVATION) {
        io.micrometer.observation.ObservationRegistry registry =
            factory
                .getBeanProvider(io.micrometer.observation.ObservationRegistry.class)
                .getIfUnique();
        if (registry != null && !registry.isNoop()) {
          builder.observer(new ObservationMessageObserver(registry));
        }
      }
    }
  }

  /** Micrometer, when the application has it. */
  static final class Metrics {
    private static final boolean PRESENT =
        ClassUtils.isPresent(
            "io.micrometer.core.instrument.MeterRegistry", Metrics.class.getClassLoader());

    static void bind(ConfigurableBeanFactory beanFactory, SqsConsumerBuilder builder) {
      if (!PRESENT || !(beanFactory instanceof DefaultListableBeanFactory factory)) {
        return;
      }
      io.micrometer.core.instrument.MeterRegistry registry =
          factory.getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class).getIfUnique();
      if (registry != null) {
        builder.meterRegistry(registry);
      }
    }
  }
}
