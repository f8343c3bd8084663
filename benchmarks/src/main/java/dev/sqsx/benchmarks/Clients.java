/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import dev.sqsx.testing.AwsEndpoints;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** SDK clients sized for the benchmark (enough connections for 64 handlers), counting requests. */
final class Clients {

  private static final int CONNECTIONS = 256;

  private Clients() {}

  static SqsAsyncClient sqsAsync(AwsEndpoints endpoints, ExecutionInterceptor counter) {
    return endpoints
        .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(CONNECTIONS))
        .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
        .build();
  }

  static SqsClient sqs(AwsEndpoints endpoints, ExecutionInterceptor... interceptors) {
    return endpoints
        .configure(SqsClient.builder(), endpoints.sqsEndpoint())
        .httpClientBuilder(Apache5HttpClient.builder().maxConnections(CONNECTIONS))
        .overrideConfiguration(
            o -> {
              for (ExecutionInterceptor interceptor : interceptors) {
                o.addExecutionInterceptor(interceptor);
              }
            })
        .build();
  }

  static S3Client s3(AwsEndpoints endpoints, ExecutionInterceptor counter) {
    return endpoints
        .configure(S3Client.builder(), endpoints.s3Endpoint())
        .forcePathStyle(true)
        .httpClientBuilder(Apache5HttpClient.builder().maxConnections(CONNECTIONS))
        .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
        .build();
  }

  static DynamoDbClient dynamoDb(AwsEndpoints endpoints, ExecutionInterceptor counter) {
    return endpoints
        .configure(DynamoDbClient.builder(), endpoints.dynamoDbEndpoint())
        .httpClientBuilder(Apache5HttpClient.builder().maxConnections(CONNECTIONS))
        .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
        .build();
  }
}
