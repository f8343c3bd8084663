/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsException;

@LocalAws
class FaultInjectorIT {

  private static FaultInjector always(Fault fault) {
    return FaultInjector.builder().seed(1).failureRate(1.0).faults(fault).build();
  }

  private static SqsClient noRetries(AwsEndpoints endpoints, FaultInjector faults) {
    return endpoints
        .configure(SqsClient.builder(), endpoints.sqsEndpoint())
        .httpClientBuilder(
            faults.wrap(software.amazon.awssdk.http.apache5.Apache5HttpClient.builder()))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @Test
  void serverError_reachesTheCallerAsA500_inEachServicesProtocol(
      AwsEndpoints endpoints, AwsResources aws) {
    String queue = aws.createQueue();
    String bucket = aws.createBucket();
    String table = aws.createTable("pk");
    FaultInjector faults = always(Fault.SERVER_ERROR);
    AwsEndpoints faulty = endpoints.withFaults(faults);
    try (SqsClient sqs = noRetries(endpoints, faults);
        S3Client s3 =
            faulty
                .configure(S3Client.builder(), endpoints.s3Endpoint())
                .forcePathStyle(true)
                .httpClientBuilder(
                    faults.wrap(software.amazon.awssdk.http.apache5.Apache5HttpClient.builder()))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        DynamoDbClient dynamoDb =
            faulty
                .configure(DynamoDbClient.builder(), endpoints.dynamoDbEndpoint())
                .httpClientBuilder(
                    faults.wrap(software.amazon.awssdk.http.apache5.Apache5HttpClient.builder()))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {

      assertThatThrownBy(() -> sqs.sendMessage(r -> r.queueUrl(queue).messageBody("x")))
          .isInstanceOfSatisfying(
              SqsException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(500);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalError");
              });
      assertThatThrownBy(
              () -> s3.putObject(r -> r.bucket(bucket).key("k"), RequestBody.fromString("x")))
          .isInstanceOfSatisfying(
              AwsServiceException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(500);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalError");
              });
      assertThatThrownBy(
              () ->
                  dynamoDb.putItem(
                      r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS("a")))))
          .isInstanceOfSatisfying(
              AwsServiceException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(500);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalServerError");
              });
    }
    assertThat(faults.stats().injected()).containsEntry(Fault.SERVER_ERROR, 3L);
    assertThat(faults.stats().byService()).containsOnlyKeys("sqs", "s3", "dynamodb");
  }

  @Test
  void throttling_isClassifiedAsThrottlingBySdk(AwsEndpoints endpoints, AwsResources aws) {
    String queue = aws.createQueue();
    try (SqsClient sqs = noRetries(endpoints, always(Fault.THROTTLING))) {
      assertThatThrownBy(() -> sqs.sendMessage(r -> r.queueUrl(queue).messageBody("x")))
          .isInstanceOfSatisfying(
              SqsException.class, e -> assertThat(e.isThrottlingException()).isTrue());
    }
  }

  @Test
  void connectionReset_failsBeforeSending_soNothingArrives(
      AwsEndpoints endpoints, AwsResources aws, SqsClient clean) {
    String queue = aws.createQueue();
    try (SqsClient sqs = noRetries(endpoints, always(Fault.CONNECTION_RESET))) {
      assertThatThrownBy(() -> sqs.sendMessage(r -> r.queueUrl(queue).messageBody("x")))
          .isInstanceOf(SdkClientException.class)
          .hasRootCauseInstanceOf(SocketException.class);
    }
    assertThat(visible(clean, queue)).isZero();
  }

  @Test
  void responseLost_appliesTheRequest_butTheCallerSeesAFailure(
      AwsEndpoints endpoints, AwsResources aws, SqsClient clean) {
    String queue = aws.createQueue();
    try (SqsClient sqs = noRetries(endpoints, always(Fault.RESPONSE_LOST))) {
      assertThatThrownBy(() -> sqs.sendMessage(r -> r.queueUrl(queue).messageBody("x")))
          .isInstanceOf(SdkClientException.class)
          .hasRootCauseMessage("Connection reset (injected after the request was applied)");
    }
    assertThat(visible(clean, queue)).isEqualTo(1);
  }

  @Test
  void asyncClient_getsEveryKindOfFault(AwsEndpoints endpoints, AwsResources aws, SqsClient clean) {
    String queue = aws.createQueue();
    for (Fault fault : Fault.values()) {
      FaultInjector faults = always(fault);
      try (SqsAsyncClient sqs =
          endpoints
              .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
              .httpClientBuilder(
                  faults.wrap(
                      software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient.builder()))
              .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
              .build()) {
        CompletableFuture<?> send = sqs.sendMessage(r -> r.queueUrl(queue).messageBody("x"));
        assertThatThrownBy(send::join)
            .as(fault.name())
            .isInstanceOf(CompletionException.class)
            .hasCauseInstanceOf(
                fault == Fault.CONNECTION_RESET || fault == Fault.RESPONSE_LOST
                    ? SdkClientException.class
                    : SqsException.class);
      }
      assertThat(faults.stats().injected()).as(fault.name()).containsEntry(fault, 1L);
    }
    // only the lost response was applied
    assertThat(visible(clean, queue)).isEqualTo(1);
  }

  @Test
  void withSdkRetries_aTenPercentRateIsAbsorbed_andCounted(
      AwsEndpoints endpoints, AwsResources aws, SqsClient clean) {
    String queue = aws.createQueue();
    FaultInjector faults =
        FaultInjector.builder()
            .seed(7)
            .failureRate(0.10)
            .faults(Fault.SERVER_ERROR, Fault.THROTTLING, Fault.CONNECTION_RESET)
            .build();
    try (SqsClient sqs = endpoints.withFaults(faults).newSqsClient()) {
      for (int i = 0; i < 100; i++) {
        int n = i;
        sqs.sendMessage(r -> r.queueUrl(queue).messageBody("m" + n));
      }
    }
    FaultStats stats = faults.stats();
    assertThat(stats.requests()).isEqualTo(100 + stats.totalInjected());
    assertThat(stats.totalInjected()).isBetween(3L, 25L);
    assertThat(visible(clean, queue)).isEqualTo(100);
  }

  @Test
  void sameSeed_sameDecisions_inOneThread(AwsEndpoints endpoints, AwsResources aws) {
    String queue = aws.createQueue();
    List<FaultStats> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      FaultInjector faults =
          FaultInjector.builder()
              .seed(42)
              .failureRate(0.3)
              .faults(Fault.SERVER_ERROR, Fault.SERVICE_UNAVAILABLE, Fault.THROTTLING)
              .build();
      try (SqsClient sqs = noRetries(endpoints, faults)) {
        for (int i = 0; i < 40; i++) {
          try {
            sqs.getQueueAttributes(r -> r.queueUrl(queue));
          } catch (SqsException expected) {
            // counted below
          }
        }
      }
      runs.add(faults.stats());
    }
    assertThat(runs.get(0).totalInjected()).isPositive();
    assertThat(runs.get(1)).isEqualTo(runs.get(0));
  }

  @Test
  void partition_refusesEverything_untilHealed(AwsEndpoints endpoints, AwsResources aws) {
    String queue = aws.createQueue();
    FaultInjector faults = FaultInjector.builder().build();
    try (SqsClient sqs = endpoints.withFaults(faults).newSqsClient()) {
      sqs.sendMessage(r -> r.queueUrl(queue).messageBody("before"));
      faults.partition();
      assertThatThrownBy(() -> sqs.sendMessage(r -> r.queueUrl(queue).messageBody("during")))
          .isInstanceOf(SdkClientException.class)
          .hasRootCauseInstanceOf(ConnectException.class);
      assertThat(faults.stats().refused()).isGreaterThanOrEqualTo(1);
      faults.heal();
      sqs.sendMessage(r -> r.queueUrl(queue).messageBody("after"));
    }
    assertThat(faults.stats().totalInjected()).isZero();
  }

  @Test
  void only_limitsFaultsToTheNamedOperation(AwsEndpoints endpoints, AwsResources aws) {
    String queue = aws.createQueue();
    FaultInjector faults =
        FaultInjector.builder()
            .failureRate(1.0)
            .faults(Fault.SERVER_ERROR)
            .only("sqs:GetQueueAttributes")
            .build();
    try (SqsClient sqs = noRetries(endpoints, faults)) {
      sqs.sendMessage(r -> r.queueUrl(queue).messageBody("passes"));
      assertThatThrownBy(() -> sqs.getQueueAttributes(r -> r.queueUrl(queue)))
          .isInstanceOf(SqsException.class);
    }
    assertThat(faults.stats().totalInjected()).isEqualTo(1);
  }

  @Test
  void latency_delaysRequests(AwsEndpoints endpoints, AwsResources aws) {
    String queue = aws.createQueue();
    FaultInjector faults = FaultInjector.builder().latency(1.0, Duration.ofMillis(20)).build();
    try (SqsClient sqs = endpoints.withFaults(faults).newSqsClient()) {
      for (int i = 0; i < 5; i++) {
        sqs.sendMessage(r -> r.queueUrl(queue).messageBody("slow"));
      }
    }
    assertThat(faults.stats().delayed()).isEqualTo(5);
    assertThat(faults.stats().totalInjected()).isZero();
  }

  private static int visible(SqsClient sqs, String queue) {
    return Integer.parseInt(
        sqs.getQueueAttributes(
                r -> r.queueUrl(queue).attributeNamesWithStrings("ApproximateNumberOfMessages"))
            .attributesAsStrings()
            .get("ApproximateNumberOfMessages"));
  }
}
