/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import io.awspring.cloud.autoconfigure.AwsAsyncClientCustomizer;
import io.awspring.cloud.autoconfigure.AwsClientProperties;
import io.awspring.cloud.autoconfigure.AwsSyncClientCustomizer;
import io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer;
import io.awspring.cloud.autoconfigure.core.AwsConnectionDetails;
import io.awspring.cloud.autoconfigure.dynamodb.DynamoDbClientCustomizer;
import io.awspring.cloud.autoconfigure.dynamodb.DynamoDbProperties;
import io.awspring.cloud.autoconfigure.s3.S3ClientCustomizer;
import io.awspring.cloud.autoconfigure.s3.properties.S3Properties;
import io.awspring.cloud.autoconfigure.sqs.SqsAsyncClientCustomizer;
import io.awspring.cloud.autoconfigure.sqs.SqsProperties;
import java.util.function.Consumer;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.s3.S3BaseClientBuilder;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sqs.SqsAsyncClientBuilder;

/**
 * Spring Cloud AWS's settings for the clients sqsx makes: its credentials and region providers and
 * its {@code spring.cloud.aws.sqs.*}, {@code spring.cloud.aws.s3.*} (endpoint, region, path-style
 * access) and {@code spring.cloud.aws.dynamodb.*} properties, applied by its own {@link
 * AwsClientBuilderConfigurer} — as its own clients are built — and the application's customizer
 * beans ({@code AwsAsyncClientCustomizer}, {@code AwsSyncClientCustomizer}, {@code
 * SqsAsyncClientCustomizer}, {@code S3ClientCustomizer}, {@code DynamoDbClientCustomizer}), in
 * their order. {@code sqsx.aws.*}, when set, is applied after and wins.
 */
final class SpringCloudAwsClientBuilders extends ClientBuilders {

  private final AwsClientBuilderConfigurer configurer;
  private final AwsConnectionDetails connectionDetails;
  private final Binder binder;
  private final ListableBeanFactory beans;

  SpringCloudAwsClientBuilders(
      SqsxProperties.Aws aws,
      AwsClientBuilderConfigurer configurer,
      AwsConnectionDetails connectionDetails,
      Environment environment,
      ListableBeanFactory beans) {
    super(aws);
    this.configurer = configurer;
    this.connectionDetails = connectionDetails;
    this.binder = Binder.get(environment);
    this.beans = beans;
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
    customize(builder);
    return super.configure(builder, service);
  }

  private void customize(AwsClientBuilder<?, ?> builder) {
    if (builder instanceof AwsAsyncClientBuilder<?, ?> async) {
      each(AwsAsyncClientCustomizer.class, c -> c.customize(async));
    }
    if (builder instanceof AwsSyncClientBuilder<?, ?> sync) {
      each(AwsSyncClientCustomizer.class, c -> c.customize(sync));
    }
    if (builder instanceof SqsAsyncClientBuilder sqs) {
      each(SqsAsyncClientCustomizer.class, c -> c.customize(sqs));
    }
    if (builder instanceof S3ClientBuilder s3) {
      each(S3ClientCustomizer.class, c -> c.customize(s3));
    }
    if (builder instanceof DynamoDbClientBuilder dynamoDb) {
      each(DynamoDbClientCustomizer.class, c -> c.customize(dynamoDb));
    }
  }

  private <C> void each(Class<C> type, Consumer<C> action) {
    beans.getBeanProvider(type).orderedStream().forEach(action);
  }

  private <P extends AwsClientProperties> P bind(String prefix, Class<P> type, P unset) {
    return binder.bind(prefix, type).orElse(unset);
  }
}
