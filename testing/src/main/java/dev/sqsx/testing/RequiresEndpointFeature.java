/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a {@link LocalAws} test (method or class) only against endpoints that implement the given
 * features, and reports it as disabled elsewhere with the reason: which feature, which endpoint
 * lacks it, and the modes that run it. For behaviour that belongs to AWS rather than to the code
 * under test, such as DynamoDB sweeping expired items.
 *
 * <pre>{@code
 * @Test
 * @RequiresEndpointFeature(EndpointFeature.DYNAMODB_TIME_TO_LIVE)
 * void expiredItems_areSwept() { ... }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface RequiresEndpointFeature {

  /** The features the test needs. */
  EndpointFeature[] value();
}
