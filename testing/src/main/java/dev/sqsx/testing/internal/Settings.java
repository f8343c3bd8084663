/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.internal;

import java.util.Optional;

/** A setting read from a system property, else from an environment variable. */
public final class Settings {

  private Settings() {}

  /**
   * The trimmed value of the property, else of the variable; empty when both are unset or blank.
   */
  public static Optional<String> get(String property, String environmentVariable) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(environmentVariable);
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }
}
