/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import java.lang.reflect.Method;

/** One {@link SqsxListener} method of one bean. */
record ListenerEndpoint(String beanName, Object bean, Method method, SqsxListener annotation) {

  /** The listener's id: the annotation's, else {@code beanName.methodName}. */
  String id() {
    return annotation.id().isEmpty() ? beanName + "." + method.getName() : annotation.id();
  }

  /** How errors name the method: {@code @SqsxListener com.example.Orders.handle}. */
  String describe() {
    return "@SqsxListener " + method.getDeclaringClass().getName() + "." + method.getName();
  }
}
