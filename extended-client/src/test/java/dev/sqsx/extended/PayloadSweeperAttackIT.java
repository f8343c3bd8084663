/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.RetentionShim;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Attacks on {@link PayloadSweeper}'s promises (never a payload a live message can point to, never
 * anything outside the store): keys that merely start with the prefix, another application's items
 * laid out like payload items in a shared table, dead-letter queues that have their own, and items
 * whose time attributes are out of range.
 */
@LocalAws
class PayloadSweeperAttackIT {

  private static final Clock MONTH_LATER = Clock.offset(Clock.systemUTC(), Duration.ofDays(30));

  private SqsClient sqs;

  @BeforeEach
  void setUp(AwsEndpoints endpoints) {
    sqs =
        endpoints
            .configure(SqsClient.builder(), endpoints.sqsEndpoint())
            .overrideConfiguration(o -> o.addExecutionInterceptor(new RetentionShim()))
            .build();
  }

  @AfterEach
  void close() {
    sqs.close();
  }

  @Test
  void s3_aPrefixWithoutSlash_neverReachesKeysThatMerelyStartWithIt(S3Client s3, AwsResources aws) {
    String bucket = aws.createBucket();
    S3PayloadStore store =
        S3PayloadStore.builder().s3Client(s3).bucket(bucket).keyPrefix("tenant-a").build();
    PayloadPointer orphan = store.store("an orphan");
    for (String foreign : List.of("tenant-ab/invoice.pdf", "tenant-a-archive/2020.csv")) {
      s3.putObject(r -> r.bucket(bucket).key(foreign), RequestBody.fromString("theirs"));
    }

    PayloadSweeper.Report report =
        PayloadSweeper.builder()
            .store(store)
            .sqsClient(sqs)
            .queues(List.of(aws.createQueue()))
            .clock(MONTH_LATER)
            .deletesPerSecond(1000)
            .build()
            .sweep(null, 100);

    assertThat(report.deleted()).containsExactly(orphan.key());
    assertThat(
            s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream()
                .map(S3Object::key)
                .toList())
        .containsExactlyInAnyOrder("tenant-ab/invoice.pdf", "tenant-a-archive/2020.csv");
  }

  @Test
  void s3_aPrefixEndingInSlash_neverReachesADeeperFolder(S3Client s3, AwsResources aws) {
    String bucket = aws.createBucket();
    S3PayloadStore store =
        S3PayloadStore.builder().s3Client(s3).bucket(bucket).keyPrefix("orders/").build();
    PayloadPointer orphan = store.store("an orphan");
    s3.putObject(r -> r.bucket(bucket).key("orders/archive/2020.csv"), RequestBody.fromString("x"));

    PayloadSweeper.Report report =
        PayloadSweeper.builder()
            .store(store)
            .sqsClient(sqs)
            .queues(List.of(aws.createQueue()))
            .clock(MONTH_LATER)
            .deletesPerSecond(1000)
            .build()
            .sweep(null, 100);

    assertThat(report.deleted()).containsExactly(orphan.key());
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
        .extracting(S3Object::key)
        .containsExactly("orders/archive/2020.csv");
  }

  @Test
  void dynamoDb_aPrefixWithoutSlash_neverReachesItemsThatMerelyStartWithIt(
      DynamoDbClient dynamoDb, AwsResources aws) {
    String table = aws.createTable("pk", "sk");
    DynamoDbPayloadStore store =
        DynamoDbPayloadStore.builder()
            .dynamoDbClient(dynamoDb)
            .table(table)
            .keyPrefix("tenant-a")
            .build();
    PayloadPointer orphan = store.store("an orphan");
    putLaidOutLikeAPayload(dynamoDb, table, "tenant-ab/1");

    PayloadSweeper.Report report = sweeper(store, aws).sweep(null, 100);

    assertThat(report.deleted())
        .containsExactly(orphan.key() + "|chunk#00000", orphan.key() + "|manifest");
    assertThat(keys(dynamoDb, table))
        .containsExactlyInAnyOrder("tenant-ab/1|chunk#00000", "tenant-ab/1|manifest");
  }

  @Test
  void dynamoDb_aStoreWithoutAPrefix_neverReachesAnotherApplicationsItemsLaidOutLikePayloads(
      DynamoDbClient dynamoDb, AwsResources aws) {
    String table = aws.createTable("pk", "sk");
    DynamoDbPayloadStore store =
        DynamoDbPayloadStore.builder().dynamoDbClient(dynamoDb).table(table).build();
    PayloadPointer orphan = store.store("an orphan");
    putLaidOutLikeAPayload(dynamoDb, table, "billing/1");

    PayloadSweeper.Report report = sweeper(store, aws).sweep(null, 100);

    assertThat(report.deleted())
        .containsExactly(orphan.key() + "|chunk#00000", orphan.key() + "|manifest");
    assertThat(keys(dynamoDb, table))
        .containsExactlyInAnyOrder("billing/1|chunk#00000", "billing/1|manifest");
  }

  @Test
  void dynamoDb_anItemWhoseTtlIsBeyondAnyInstant_isKept_andTheSweepGoesOn(
      DynamoDbClient dynamoDb, AwsResources aws) {
    String table = aws.createTable("pk", "sk");
    DynamoDbPayloadStore store =
        DynamoDbPayloadStore.builder()
            .dynamoDbClient(dynamoDb)
            .table(table)
            .keyPrefix("orders/")
            .build();
    PayloadPointer orphan = store.store("an orphan");
    PayloadPointer odd = store.store("kept: its ttl is past any instant");
    for (String sk : List.of("chunk#00000", "manifest")) {
      dynamoDb.updateItem(
          r ->
              r.tableName(table)
                  .key(
                      Map.of("pk", AttributeValue.fromS(odd.key()), "sk", AttributeValue.fromS(sk)))
                  .updateExpression("SET #t = :huge REMOVE #c")
                  .expressionAttributeNames(Map.of("#t", "ttl", "#c", "created"))
                  .expressionAttributeValues(
                      Map.of(":huge", AttributeValue.fromN(Long.toString(Long.MAX_VALUE)))));
    }

    PayloadSweeper.Report report = sweeper(store, aws).sweep(null, 100);

    assertThat(report.deleted())
        .containsExactlyInAnyOrder(orphan.key() + "|chunk#00000", orphan.key() + "|manifest");
    assertThat(keys(dynamoDb, table))
        .containsExactlyInAnyOrder(odd.key() + "|chunk#00000", odd.key() + "|manifest");
  }

  @Test
  void bound_followsADeadLetterQueuesOwnDeadLetterQueue(S3Client s3, AwsResources aws) {
    QueueWithDlq queues = aws.createQueueWithDlq(3, Duration.ofSeconds(30));
    String last = aws.createQueue();
    sqs.setQueueAttributes(
        r ->
            r.queueUrl(queues.dlqUrl())
                .attributes(
                    Map.of(
                        QueueAttributeName.REDRIVE_POLICY,
                        "{\"deadLetterTargetArn\":\""
                            + aws.queueArn(last)
                            + "\",\"maxReceiveCount\":\"3\"}")));
    retention(queues.queueUrl(), Duration.ofDays(2));
    retention(queues.dlqUrl(), Duration.ofDays(3));
    retention(last, Duration.ofDays(10));
    S3PayloadStore store =
        S3PayloadStore.builder().s3Client(s3).bucket(aws.createBucket()).keyPrefix("o/").build();

    PayloadSweeper.Builder builder =
        PayloadSweeper.builder()
            .store(store)
            .sqsClient(sqs)
            .queues(List.of(queues.queueUrl()))
            .margin(Duration.ofHours(1));
    assertThat(builder.build().bound())
        .as("a pointer lives 2d in the source, 3d in its DLQ, 10d in the DLQ's DLQ; x 2 + 1h")
        .isEqualTo(Duration.ofDays(30).plusHours(1));
    assertThat(builder.deadLetteringBySqsOnly(true).build().bound())
        .as("only SQS moves them, standard queues: max(2d, 3d, 10d) x 2 + 1h")
        .isEqualTo(Duration.ofDays(20).plusHours(1));
  }

  @Test
  void bound_refusesDeadLetterQueuesThatFormACycle(S3Client s3, AwsResources aws) {
    QueueWithDlq queues = aws.createQueueWithDlq(3, Duration.ofSeconds(30));
    sqs.setQueueAttributes(
        r ->
            r.queueUrl(queues.dlqUrl())
                .attributes(
                    Map.of(
                        QueueAttributeName.REDRIVE_POLICY,
                        "{\"deadLetterTargetArn\":\""
                            + aws.queueArn(queues.queueUrl())
                            + "\",\"maxReceiveCount\":\"3\"}")));
    S3PayloadStore store =
        S3PayloadStore.builder().s3Client(s3).bucket(aws.createBucket()).keyPrefix("o/").build();

    assertThatThrownBy(
            () ->
                PayloadSweeper.builder()
                    .store(store)
                    .sqsClient(sqs)
                    .queues(List.of(queues.queueUrl()))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("form a cycle")
        .hasMessageContaining(queues.dlqUrl());
  }

  @Test
  void bound_aDeadLetterQueueWhoseRetentionCannotBeRead_buildsNoSweeper(
      S3Client s3, AwsResources aws) {
    QueueWithDlq queues = aws.createQueueWithDlq(3, Duration.ofSeconds(30));
    sqs.deleteQueue(r -> r.queueUrl(queues.dlqUrl()));
    S3PayloadStore store =
        S3PayloadStore.builder().s3Client(s3).bucket(aws.createBucket()).keyPrefix("o/").build();

    assertThatThrownBy(
            () ->
                PayloadSweeper.builder()
                    .store(store)
                    .sqsClient(sqs)
                    .queues(List.of(queues.queueUrl()))
                    .build())
        .as("no sweep on a guess: the DLQ's retention is unknown")
        .isInstanceOf(SqsException.class);
  }

  @Test
  void dynamoDb_aRunStoppedBetweenAPayloadsChunks_acrossScanPages_leavesAClearError_andResumes(
      DynamoDbClient dynamoDb, AwsResources aws) {
    String table = aws.createTable("pk", "sk");
    DynamoDbPayloadStore.Builder builder =
        DynamoDbPayloadStore.builder()
            .dynamoDbClient(dynamoDb)
            .table(table)
            .keyPrefix("orders/")
            .chunkSize(10);
    DynamoDbPayloadStore store = builder.build();
    PayloadPointer orphan =
        builder
            .clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(-30)))
            .build()
            .store("three chunks of an orphan");
    PayloadPointer live = store.store("two chunks, live");
    PayloadSweeper sweeper =
        PayloadSweeper.builder()
            .store(store)
            .sqsClient(sqs)
            .queues(List.of(aws.createQueue()))
            .deletesPerSecond(1000)
            .pageSize(1)
            .build();

    PayloadSweeper.Report first = sweeper.sweep(null, 1);

    assertThat(first.deleted()).containsExactly(orphan.key() + "|chunk#00000");
    assertThatThrownBy(() -> store.read(orphan))
        .as("a manifest whose chunks are partly swept reads as an error, never as other bytes")
        .isInstanceOf(ExtendedClientException.class)
        .hasMessageContaining("chunk 0 of 3 is missing");
    PayloadSweeper.Report rest = sweeper.sweep(first.resumeAfter().orElseThrow(), 100);
    assertThat(rest.deleted())
        .containsExactly(
            orphan.key() + "|chunk#00001",
            orphan.key() + "|chunk#00002",
            orphan.key() + "|manifest");
    assertThatThrownBy(() -> store.read(orphan)).isInstanceOf(PayloadNotFoundException.class);
    assertThat(store.read(live)).isEqualTo("two chunks, live");
  }

  private PayloadSweeper sweeper(DynamoDbPayloadStore store, AwsResources aws) {
    return PayloadSweeper.builder()
        .store(store)
        .sqsClient(sqs)
        .queues(List.of(aws.createQueue()))
        .clock(MONTH_LATER)
        .deletesPerSecond(1000)
        .build();
  }

  private void retention(String queueUrl, Duration retention) {
    sqs.setQueueAttributes(
        r ->
            r.queueUrl(queueUrl)
                .attributes(
                    Map.of(
                        QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                        Long.toString(retention.toSeconds()))));
  }

  /**
   * Another application's manifest and chunk, written in 1970, with every attribute a payload item
   * has: only the partition key tells them from the store's.
   */
  private static void putLaidOutLikeAPayload(DynamoDbClient dynamoDb, String table, String pk) {
    for (String sk : List.of("chunk#00000", "manifest")) {
      Map<String, AttributeValue> item = new HashMap<>();
      item.put("pk", AttributeValue.fromS(pk));
      item.put("sk", AttributeValue.fromS(sk));
      item.put("ttl", AttributeValue.fromN("1"));
      item.put("created", AttributeValue.fromN("1"));
      item.put("chunks", AttributeValue.fromN("1"));
      item.put("bytes", AttributeValue.fromN("6"));
      item.put("sha256", AttributeValue.fromS("0".repeat(64)));
      item.put("data", AttributeValue.fromB(SdkBytes.fromUtf8String("theirs")));
      dynamoDb.putItem(r -> r.tableName(table).item(item));
    }
  }

  private static List<String> keys(DynamoDbClient dynamoDb, String table) {
    List<String> keys = new ArrayList<>();
    dynamoDb
        .scanPaginator(r -> r.tableName(table))
        .items()
        .forEach(item -> keys.add(item.get("pk").s() + "|" + item.get("sk").s()));
    return keys;
  }
}
