/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link SqsxConfigurationException} into Boot's "APPLICATION FAILED TO START" report. */
final class SqsxFailureAnalyzer extends AbstractFailureAnalyzer<SqsxConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, SqsxConfigurationException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Fix the sqsx.* property or the @SqsxListener method named above.",
        cause);
  }
}
