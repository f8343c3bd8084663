/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Turns a {@link SqsxConfigurationException} into Boot's "APPLICATION FAILED TO START" report; for
 * a refused property ({@link SqsxPropertyException}) the report names the property, its value and
 * what is allowed. Ordered before Boot's own bind-failure analyzer, which would name only the
 * {@code sqsx.*} group the property is in.
 */
final class SqsxFailureAnalyzer extends AbstractFailureAnalyzer<SqsxConfigurationException>
    implements Ordered {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, SqsxConfigurationException cause) {
    if (cause instanceof SqsxPropertyException property) {
      return new FailureAnalysis(
          property.getMessage()
              + System.lineSeparator()
              + System.lineSeparator()
              + "    Property: "
              + property.property()
              + System.lineSeparator()
              + "    Value: "
              + property.value()
              + System.lineSeparator()
              + "    Allowed: "
              + property.allowed(),
          "Set " + property.property() + " to a value in " + property.allowed() + ".",
          cause);
    }
    return new FailureAnalysis(
        cause.getMessage(),
        "Fix the sqsx.* property or the @SqsxListener method named above.",
        cause);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
