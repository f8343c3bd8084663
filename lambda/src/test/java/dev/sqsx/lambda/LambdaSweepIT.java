/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.extended.DynamoDbPayloadStore;
import dev.sqsx.extended.PayloadStore;
import dev.sqsx.extended.PayloadSweeper;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.extended.TieredPayloadStore;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.RetentionShim;
import dev.sqsx.testing.lambda.LambdaEventSourceMapping;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Lambda keeps payloads by default (another subscriber may need them): a sweep leaves them while
 * their records can still be delivered, and removes them, S3 and DynamoDB alike, once the bound has
 * passed.
 */
@LocalAws
class LambdaSweepIT {

  @Test
  void payloadsKeptByTheFunction_areSweptOnceTheBoundPasses_andNotBefore(
      AwsEndpoints endpoints,
      SqsClient sqs,
      S3Client s3,
      DynamoDbClient dynamoDb,
      AwsResources aws) {
    String queueUrl = aws.createQueue();
    String bucket = aws.createBucket();
    S3PayloadStore s3Store =
        S3PayloadStore.builder().s3Client(s3).bucket(bucket).keyPrefix("lambda/").build();
    String table = aws.createTable("pk", "sk");
    DynamoDbPayloadStore dynamoStore =
        DynamoDbPayloadStore.builder()
            .dynamoDbClient(dynamoDb)
            .table(table)
            .keyPrefix("lambda/")
            .build();
    String viaS3 = "s3-".repeat(120_000);
    String viaDynamo = "ddb-".repeat(70_000);
    send(sqs, s3Store, queueUrl, viaS3);
    send(sqs, dynamoStore, queueUrl, viaDynamo);
    Set<String> handled = ConcurrentHashMap.newKeySet();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .payloadStore(
                TieredPayloadStore.builder().tier(300_000, dynamoStore).otherwise(s3Store).build())
            .handler(message -> handled.add(message.body()))
            .build();

    try (SqsClient withRetention =
        endpoints
            .configure(SqsClient.builder(), endpoints.sqsEndpoint())
            .overrideConfiguration(o -> o.addExecutionInterceptor(new RetentionShim()))
            .build()) {
      PayloadSweeper s3Probe = sweeper(s3Store, withRetention, queueUrl, Clock.systemUTC());
      Duration lifetime = s3Probe.bound().minus(Duration.ofHours(1));
      Clock lastDelivery = Clock.offset(Clock.systemUTC(), lifetime);
      assertThat(sweeper(s3Store, withRetention, queueUrl, lastDelivery).sweep(null, 100).count())
          .as("records in the queue: their payloads are live")
          .isZero();
      assertThat(
              sweeper(dynamoStore, withRetention, queueUrl, lastDelivery).sweep(null, 100).count())
          .isZero();

      LambdaEventSourceMapping.builder()
          .sqsClient(sqs)
          .queueUrl(queueUrl)
          .handler(new SqsxFunction(consumer) {})
          .functionTimeout(Duration.ofSeconds(10))
          .build()
          .runUntil(() -> handled.size() == 2, Duration.ofSeconds(20));
      assertThat(handled).containsExactlyInAnyOrder(viaS3, viaDynamo);
      assertThat(aws.messagesIn(queueUrl)).isZero();
      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
          .as("kept by default")
          .hasSize(1);
      assertThat(dynamoDb.scan(r -> r.tableName(table)).items()).hasSize(2);

      Clock past = Clock.offset(Clock.systemUTC(), s3Probe.bound().plusMinutes(1));
      assertThat(sweeper(s3Store, withRetention, queueUrl, past).sweep(null, 100).deleted())
          .hasSize(1);
      assertThat(sweeper(dynamoStore, withRetention, queueUrl, past).sweep(null, 100).deleted())
          .as("the manifest and the one chunk")
          .hasSize(2);
    }
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
    assertThat(dynamoDb.scan(r -> r.tableName(table)).items()).isEmpty();
  }

  private static void send(SqsClient sqs, PayloadStore store, String queueUrl, String body) {
    SqsExtendedClient.builder()
        .sqsClient(sqs)
        .payloadStore(store)
        .build()
        .sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
  }

  private static PayloadSweeper sweeper(
      S3PayloadStore store, SqsClient sqs, String queueUrl, Clock clock) {
    return PayloadSweeper.builder()
        .store(store)
        .sqsClient(sqs)
        .queues(List.of(queueUrl))
        .margin(Duration.ofHours(1))
        .clock(clock)
        .deletesPerSecond(1000)
        .build();
  }

  private static PayloadSweeper sweeper(
      DynamoDbPayloadStore store, SqsClient sqs, String queueUrl, Clock clock) {
    return PayloadSweeper.builder()
        .store(store)
        .sqsClient(sqs)
        .queues(List.of(queueUrl))
        .margin(Duration.ofHours(1))
        .clock(clock)
        .deletesPerSecond(1000)
        .build();
  }
}
