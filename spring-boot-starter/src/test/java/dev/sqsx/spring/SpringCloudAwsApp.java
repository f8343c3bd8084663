/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import dev.sqsx.testing.AwsEndpoints;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Configuration;

/**
 * A Boot application as users write it: every auto-configuration on the class path (Spring Cloud
 * AWS's SQS and S3 starters among them), configured only with {@code spring.cloud.aws.*} pointing
 * at the embedded endpoints — no SDK client beans of its own.
 */
final class SpringCloudAwsApp {

  private SpringCloudAwsApp() {}

  /** The application's configuration class. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {}

  /** The application with {@code sources} (listener beans) and Spring Cloud AWS's settings. */
  static SpringApplicationBuilder builder(Class<?>... sources) {
    AwsEndpoints endpoints = Embedded.endpoints();
    Class<?>[] all = new Class<?>[sources.length + 1];
    all[0] = App.class;
    System.arraycopy(sources, 0, all, 1, sources.length);
    return new SpringApplicationBuilder(all)
        .web(WebApplicationType.NONE)
        .properties(
            "spring.cloud.aws.region.static=us-east-1",
            "spring.cloud.aws.credentials.access-key=test",
            "spring.cloud.aws.credentials.secret-key=test",
            "spring.cloud.aws.sqs.endpoint=" + endpoints.sqsEndpoint().orElseThrow(),
            "spring.cloud.aws.s3.endpoint=" + endpoints.s3Endpoint().orElseThrow(),
            "spring.cloud.aws.s3.path-style-access-enabled=true",
            "sqsx.consumer.wait-time=1s");
  }
}
