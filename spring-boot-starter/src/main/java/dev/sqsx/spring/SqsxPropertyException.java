/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

/**
 * An {@code sqsx.*} property has a value sqsx cannot work with; refused when the properties are
 * bound, at startup, whether or not the application has a listener. Spring Boot's startup report
 * names the property, its value and what is allowed (see {@link SqsxFailureAnalyzer}).
 */
public class SqsxPropertyException extends SqsxConfigurationException {

  private static final long serialVersionUID = 1L;

  private final String property;
  private final String value;
  private final String allowed;

  /**
   * A refused value.
   *
   * @param property the property's name as written in configuration, e.g. {@code
   *     sqsx.consumer.wait-time}
   * @param value the value, as text
   * @param allowed what is allowed, e.g. {@code 0s..20s}
   * @param why the reason for the rule
   */
  public SqsxPropertyException(String property, String value, String allowed, String why) {
    super(property + " must be " + allowed + " (" + why + "), was " + value);
    this.property = property;
    this.value = value;
    this.allowed = allowed;
  }

  /** The property's name, e.g. {@code sqsx.consumer.wait-time}. */
  public String property() {
    return property;
  }

  /** The refused value, as text. */
  public String value() {
    return value;
  }

  /** What is allowed, e.g. {@code 0s..20s}. */
  public String allowed() {
    return allowed;
  }
}
