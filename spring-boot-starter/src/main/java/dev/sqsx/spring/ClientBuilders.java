/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3BaseClientBuilder;

/**
 * Configures the SDK clients sqsx makes when the application has none: with Spring Cloud AWS, from
 * its region, credentials and endpoint settings ({@link SpringCloudAwsClientBuilders}); then, in
 * either case, from {@code sqsx.aws.*} when set (those win).
 */
class ClientBuilders {

  /** The service a client talks to: which endpoint settings apply. */
  enum Service {
    SQS,
    S3,
    DYNAMODB
  }

  private final SqsxProperties.Aws aws;

  ClientBuilders(SqsxProperties.Aws aws) {
    this.aws = aws;
  }

  /** Applies the settings for {@code service} to {@code builder} and returns it. */
  <B extends AwsClientBuilder<B, ?>> B configure(B builder, Service service) {
    if (SqsxProperties.hasText(aws.region())) {
      builder.region(Region.of(aws.region()));
    }
    if (SqsxProperties.hasText(aws.accessKey())) {
      builder.credentialsProvider(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(aws.accessKey(), aws.secretKey())));
    }
    URI endpoint =
        switch (service) {
          case SQS -> aws.endpoint().sqs();
          case S3 -> aws.endpoint().s3();
          case DYNAMODB -> aws.endpoint().dynamodb();
        };
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    if (aws.pathStyleAccess() && builder instanceof S3BaseClientBuilder<?, ?> s3) {
      s3.forcePathStyle(true);
    }
    return builder;
  }
}
