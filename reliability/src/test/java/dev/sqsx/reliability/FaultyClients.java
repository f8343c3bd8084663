/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.reliability;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.faults.FaultInjector;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SDK clients of one simulated process, all sending through one {@link FaultInjector}, with the
 * SDK's standard retry strategy at 5 attempts (what a service on a flaky network configures).
 * Closing closes every client.
 */
final class FaultyClients implements AutoCloseable {

  static final int MAX_ATTEMPTS = 5;

  final FaultInjector faults;
  final SqsClient sqs;
  final SqsAsyncClient sqsAsync;
  final S3Client s3;
  final S3AsyncClient s3Async;
  final DynamoDbClient dynamoDb;
  final DynamoDbAsyncClient dynamoDbAsync;

  FaultyClients(AwsEndpoints endpoints, FaultInjector faults) {
    this(endpoints, faults, null);
  }

  /** As above; {@code sqsInterceptor}, when not null, sees every call of the SQS clients. */
  FaultyClients(
      AwsEndpoints endpoints,
      FaultInjector faults,
      software.amazon.awssdk.core.interceptor.ExecutionInterceptor sqsInterceptor) {
    this.faults = faults;
    ClientOverrideConfiguration retries =
        ClientOverrideConfiguration.builder()
            .retryStrategy(
                AwsRetryStrategy.standardRetryStrategy().toBuilder()
                    .maxAttempts(MAX_ATTEMPTS)
                    .build())
            .build();
    ClientOverrideConfiguration sqsConfiguration =
        sqsInterceptor == null
            ? retries
            : retries.toBuilder().addExecutionInterceptor(sqsInterceptor).build();
    boolean pathStyle = endpoints.s3Endpoint().isPresent();
    sqs =
        endpoints
            .configure(SqsClient.builder(), endpoints.sqsEndpoint())
            .httpClientBuilder(faults.wrap(Apache5HttpClient.builder()))
            .overrideConfiguration(sqsConfiguration)
            .build();
    sqsAsync =
        endpoints
            .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
            .httpClientBuilder(faults.wrap(NettyNioAsyncHttpClient.builder()))
            .overrideConfiguration(sqsConfiguration)
            .build();
    s3 =
        endpoints
            .configure(S3Client.builder(), endpoints.s3Endpoint())
            .forcePathStyle(pathStyle)
            .httpClientBuilder(faults.wrap(Apache5HttpClient.builder()))
            .overrideConfiguration(retries)
            .build();
    s3Async =
        endpoints
            .configure(S3AsyncClient.builder(), endpoints.s3Endpoint())
            .forcePathStyle(pathStyle)
            .httpClientBuilder(faults.wrap(NettyNioAsyncHttpClient.builder()))
            .overrideConfiguration(retries)
            .build();
    dynamoDb =
        endpoints
            .configure(DynamoDbClient.builder(), endpoints.dynamoDbEndpoint())
            .httpClientBuilder(faults.wrap(Apache5HttpClient.builder()))
            .overrideConfiguration(retries)
            .build();
    dynamoDbAsync =
        endpoints
            .configure(DynamoDbAsyncClient.builder(), endpoints.dynamoDbEndpoint())
            .httpClientBuilder(faults.wrap(NettyNioAsyncHttpClient.builder()))
            .overrideConfiguration(retries)
            .build();
  }

  @Override
  public void close() {
    sqs.close();
    sqsAsync.close();
    s3.close();
    s3Async.close();
    dynamoDb.close();
    dynamoDbAsync.close();
  }
}
