/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

/**
 * sqsx cannot start as configured; the message names the property or the listener method to fix.
 * Spring Boot reports it at startup as the failure's description (see {@link SqsxFailureAnalyzer}).
 */
public class SqsxConfigurationException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** A problem described by {@code message}. */
  public SqsxConfigurationException(String message) {
    super(message);
  }

  /** A problem described by {@code message}, found through {@code cause}. */
  public SqsxConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
