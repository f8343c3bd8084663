/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import dev.sqsx.testing.internal.Settings;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the AWS calls of a test go.
 *
 * <p>Chosen with the system property {@value #PROPERTY} or the environment variable {@value
 * #ENVIRONMENT_VARIABLE} (the property wins); the default is {@link #EMBEDDED}.
 */
public enum AwsMode {
  /** Real, wire-compatible SQS, S3 and DynamoDB servers started in this JVM on 127.0.0.1. */
  EMBEDDED,
  /** A LocalStack container started through {@code localstack-utils}; needs a Docker engine. */
  LOCALSTACK,
  /**
   * An endpoint that is already running (LocalStack, or any SQS/S3/DynamoDB-compatible server),
   * given by {@value #ENDPOINT_PROPERTY} or {@value #ENDPOINT_ENVIRONMENT_VARIABLE}.
   */
  ENDPOINT,
  /**
   * A real AWS account, through the SDK's default credential and region chains. Resources are
   * created under a unique prefix and removed afterwards.
   */
  AWS;

  /** System property that chooses the mode: {@code embedded}, {@code localstack}, ... */
  public static final String PROPERTY = "sqsx.aws.mode";

  /** Environment variable that chooses the mode when the system property is not set. */
  public static final String ENVIRONMENT_VARIABLE = "SQSX_AWS_MODE";

  /** System property with the endpoint URL of {@link #ENDPOINT} mode. */
  public static final String ENDPOINT_PROPERTY = "sqsx.aws.endpoint";

  /** Environment variable with the endpoint URL of {@link #ENDPOINT} mode. */
  public static final String ENDPOINT_ENVIRONMENT_VARIABLE = "SQSX_AWS_ENDPOINT";

  /**
   * Reads the mode from the system property, then the environment.
   *
   * @throws IllegalArgumentException when the value names no mode
   */
  public static AwsMode fromEnvironment() {
    return setting(PROPERTY, ENVIRONMENT_VARIABLE).map(AwsMode::parse).orElse(EMBEDDED);
  }

  /**
   * Parses a mode name, case-insensitively.
   *
   * @throws IllegalArgumentException when the value names no mode
   */
  public static AwsMode parse(String value) {
    String normalized = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (AwsMode mode : values()) {
      if (mode.name().equals(normalized)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        PROPERTY
            + " must be one of embedded, localstack, endpoint, aws (case-insensitive), was '"
            + value
            + "'");
  }

  /**
   * Whether this mode's endpoints implement a feature: the embedded ones lack every {@link
   * EndpointFeature} (dynalite does not implement them); LocalStack, AWS and an endpoint named by
   * URL are taken to have them all.
   */
  public boolean supports(EndpointFeature feature) {
    Objects.requireNonNull(feature, "feature cannot be null");
    return this != EMBEDDED;
  }

  static Optional<String> setting(String property, String environmentVariable) {
    return Settings.get(property, environmentVariable);
  }
}
