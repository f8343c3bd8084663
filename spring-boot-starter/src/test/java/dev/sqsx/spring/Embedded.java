/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.EmbeddedAws;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The embedded SQS, S3 and DynamoDB for this module's tests (started once, closed with the JVM),
 * and an application's SDK clients pointing at them.
 */
final class Embedded {

  private static EmbeddedAws aws;
  private static AwsResources resources;

  private Embedded() {}

  static synchronized AwsEndpoints endpoints() {
    if (aws == null) {
      aws = EmbeddedAws.start();
      Runtime.getRuntime().addShutdownHook(new Thread(aws::close));
    }
    return aws.endpoints();
  }

  /** Queues, buckets and tables with unique names. */
  static synchronized AwsResources resources() {
    if (resources == null) {
      AwsEndpoints endpoints = endpoints();
      resources =
          new AwsResources(
              endpoints.newSqsClient(),
              endpoints.newS3Client(),
              endpoints.newDynamoDbClient(),
              endpoints.region(),
              "sqsx");
    }
    return resources;
  }

  /** The application's own SDK clients, as a Boot application would define them. */
  @Configuration(proxyBeanMethods = false)
  static class Clients {
    @Bean(destroyMethod = "close")
    SqsAsyncClient sqsAsyncClient() {
      return endpoints().newSqsAsyncClient();
    }

    @Bean(destroyMethod = "close")
    SqsClient sqsClient() {
      return endpoints().newSqsClient();
    }

    @Bean(destroyMethod = "close")
    S3Client s3Client() {
      return endpoints().newS3Client();
    }

    @Bean(destroyMethod = "close")
    S3AsyncClient s3AsyncClient() {
      return endpoints().newS3AsyncClient();
    }

    @Bean(destroyMethod = "close")
    DynamoDbClient dynamoDbClient() {
      return endpoints().newDynamoDbClient();
    }
  }
}
