/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import io.awspring.cloud.autoconfigure.AwsClientProperties;
import io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer;
import io.awspring.cloud.autoconfigure.core.AwsConnectionDetails;
import io.awspring.cloud.autoconfigure.dynamodb.DynamoDbProperties;
import io.awspring.cloud.autoconfigure.s3.properties.S3Properties;
import io.awspring.cloud.autoconfigure.sqs.SqsProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.services.s3.S3BaseClientBuilder;

/**
 * Spring Cloud AWS's settings for the clients sqsx makes: its credentials and region providers and
 * its {@code spring.cloud.aws.sqs.*}, {@code spring.cloud.aws.s3.*} (endpoint, region, path-style
 * access) and {@code spring.cloud.aws.dynamodb.*} properties, applied by its own {@link
 * AwsClientBuilderConfigurer} — as its own clients are built. {@code sqsx.aws.*}, when set, is
 * applied after and wins.
 */
final class SpringCloudAwsClientBuilders extends ClientBuilders {

  private final AwsClientBuilderConfigurer configurer;
  private final AwsConnectionDetails connectionDetails;
  private final Binder binder;

  SpringCloudAwsClientBuilders(
      SqsxProperties.Aws aws,
      AwsClientBuilderConfigurer configurer,
      AwsConnectionDetails connectionDetails,
      Environment environment) {
    super(aws);
    this.configurer = configurer;
    this.connectionDetails = connectionDetails;
    this.binder = Binder.get(environment);
  }

  @Override
  <B extends AwsClientBuilder<B, ?>> B configure(B builder, Service service) {
    AwsClientProperties properties =
        switch (service) {
          case SQS -> bind(SqsProperties.PREFIX, SqsProperties.class, new SqsProperties());
          case S3 -> bind(S3Properties.PREFIX, S3Properties.class, new S3Properties());
          case DYNAMODB ->
              bind(DynamoDbProperties.PREFIX, DynamoDbProperties.class, new DynamoDbProperties());
        };
    configurer.configure(builder, properties, connectionDetails);
    if (properties instanceof S3Properties s3 && builder instanceof S3BaseClientBuilder<?, ?> s3b) {
      s3b.serviceConfiguration(s3.toS3Configuration());
    }
    return super.configure(builder, service);
  }

  private <P extends AwsClientProperties> P bind(String prefix, Class<P> type, P unset) {
    return binder.bind(prefix, type).orElse(unset);
  }
}
