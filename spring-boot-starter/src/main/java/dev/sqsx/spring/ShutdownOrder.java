/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.ClassUtils;

/**
 * Makes the {@link SqsxListeners} stop before Spring Cloud AWS's listener container registry: both
 * are in the same lifecycle phase, and Spring stops the beans that depend on a bean before it. The
 * listeners' stop returns at once (they close on their own thread), so the registry's stop, which
 * waits for its long polls to return, no longer delays theirs.
 */
final class ShutdownOrder {

  private static final String REGISTRY =
      "io.awspring.cloud.sqs.listener.MessageListenerContainerRegistry";

  private ShutdownOrder() {}

  /** Registers {@code listeners} as depending on each registry in {@link SqsxListeners#PHASE}. */
  static void stopBeforeSpringCloudAws(ConfigurableBeanFactory beanFactory, String listeners) {
    ClassLoader loader = ShutdownOrder.class.getClassLoader();
    if (!(beanFactory instanceof ConfigurableListableBeanFactory factory)
        || !ClassUtils.isPresent(REGISTRY, loader)) {
      return;
    }
    Class<?> registry = ClassUtils.resolveClassName(REGISTRY, loader);
    for (String name : factory.getBeanNamesForType(registry, false, false)) {
      // in another phase, Spring would stop the registry's group without waiting for sqsx
      if (factory.getBean(name) instanceof SmartLifecycle lifecycle
          && lifecycle.getPhase() == SqsxListeners.PHASE) {
        factory.registerDependentBean(name, listeners);
      }
    }
  }
}
