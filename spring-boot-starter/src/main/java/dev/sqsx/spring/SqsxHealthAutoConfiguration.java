/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The listeners' health indicator, when Spring Boot's health support is on the class path. */
@AutoConfiguration(after = SqsxAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
public class SqsxHealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "sqsxHealthIndicator")
  SqsxHealthIndicator sqsxHealthIndicator(SqsxListeners listeners) {
    return new SqsxHealthIndicator(listeners);
  }
}
