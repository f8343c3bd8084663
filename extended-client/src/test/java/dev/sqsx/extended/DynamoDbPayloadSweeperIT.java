/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.RetentionShim;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * {@link PayloadSweeper} over a {@link DynamoDbPayloadStore}: only the store's table, key prefix
 * and item layout; aged by {@code created} (or, for items written before it, by {@code ttl});
 * paced, resumable from the report's token; conditional on the item being the one listed.
 */
@LocalAws
class DynamoDbPayloadSweeperIT {

  private static final String LARGE = "x".repeat(300_000);

  /** SQS over ElasticMQ, answering MessageRetentionPeriod as SQS does (see RetentionShim). */
  private SqsClient sqs;

  private DynamoDbClient dynamoDb;
  private String table;

  @BeforeEach
  void setUp(AwsEndpoints endpoints, DynamoDbClient dynamoDb, AwsResources aws) {
    sqs =
        endpoints
            .configure(SqsClient.builder(), endpoints.sqsEndpoint())
            .overrideConfiguration(o -> o.addExecutionInterceptor(new RetentionShim()))
            .build();
    this.dynamoDb = dynamoDb;
    this.table = aws.createTable("pk", "sk");
  }

  @AfterEach
  void close() {
    sqs.close();
  }

  @Test
  void payloadsOfLiveMessages_inTheSourceQueueAndInTheDlq_areNeverSwept_orphansPastTheBoundAre(
      AwsResources aws) {
    DynamoDbPayloadStore store = store(dynamoDb).chunkSize(100_000).build();
    QueueWithDlq queues = aws.createQueueWithDlq(1, Duration.ofSeconds(1));
    SqsExtendedClient client =
        SqsExtendedClient.builder().sqsClient(sqs).payloadStore(store).build();
    client.sendMessage(r -> r.queueUrl(queues.queueUrl()).messageBody(LARGE + "dead"));
    assertThat(receive(client, queues.queueUrl())).hasSize(1);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                receive(client, queues.queueUrl()).isEmpty()
                    && aws.messagesIn(queues.dlqUrl()) == 1);
    client.sendMessage(r -> r.queueUrl(queues.queueUrl()).messageBody(LARGE + "live"));
    store.store("an orphan: its send failed after the store");
    // outside the prefix, though laid out like payload items
    putForeign("other/kept", "manifest", true);
    putForeign("orders-archive", "chunk#00000", true);
    // inside the prefix, but not the store's sort keys or attributes
    putForeign("orders/not-a-payload", "profile", true);
    putForeign("orders/no-layout", "manifest", false);
    dynamoDb.updateItem(
        r ->
            r.tableName(table)
                .key(
                    Map.of(
                        "pk", AttributeValue.fromS("orders/no-layout"),
                        "sk", AttributeValue.fromS("manifest")))
                .updateExpression("SET #t = :one, #c = :one")
                .expressionAttributeNames(Map.of("#t", "ttl", "#c", "created"))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
    // 2 payloads of 4 chunks + manifest, 1 of 1 chunk + manifest
    assertThat(storeItems()).hasSize(12);

    // "now" at the last instant SQS could still deliver either live message: nothing is swept
    PayloadSweeper probe = sweeper(store, List.of(queues.queueUrl()), Clock.systemUTC());
    Duration lifetime = probe.bound().minus(Duration.ofHours(1));
    Instant lastDelivery = Instant.EPOCH;
    for (Message m : peek(sqs, queues.queueUrl(), queues.dlqUrl())) {
      Instant deliverableUntil =
          Instant.ofEpochMilli(
                  Long.parseLong(m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP)))
              .plus(lifetime);
      if (deliverableUntil.isAfter(lastDelivery)) {
        lastDelivery = deliverableUntil;
      }
    }
    PayloadSweeper.Report none =
        sweeper(store, List.of(queues.queueUrl()), Clock.fixed(lastDelivery, ZoneOffset.UTC))
            .sweep(null, 100);
    assertThat(none.count()).isZero();
    assertThat(storeItems()).hasSize(12);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                receive(client, queues.queueUrl()).isEmpty()
                    && aws.messagesIn(queues.dlqUrl()) == 2);
    assertThat(receive(client, queues.dlqUrl()))
        .extracting(Message::body)
        .containsExactlyInAnyOrder(LARGE + "dead", LARGE + "live");

    // past the bound every payload item goes, and nothing else of the table
    PayloadSweeper.Report swept =
        sweeper(
                store,
                List.of(queues.queueUrl()),
                Clock.offset(Clock.systemUTC(), probe.bound().plusMinutes(1)))
            .sweep(null, 100);
    assertThat(swept.count()).isEqualTo(12);
    assertThat(swept.deleted())
        .hasSize(12)
        .allMatch(token -> token.startsWith("orders/"))
        .allMatch(token -> token.endsWith("|manifest") || token.contains("|chunk#"));
    assertThat(swept.resumeAfter()).isEmpty();
    assertThat(storeItems()).isEmpty();
    assertThat(allKeys())
        .containsExactlyInAnyOrder(
            "other/kept|manifest",
            "orders-archive|chunk#00000",
            "orders/not-a-payload|profile",
            "orders/no-layout|manifest");
  }

  @Test
  void dryRun_reportsCountBytesAndTheOldest_andDeletesNothing(AwsResources aws) {
    Instant first = Instant.parse("2026-01-01T00:00:00Z");
    DynamoDbPayloadStore early = store(dynamoDb).chunkSize(4).clock(fixed(first)).build();
    DynamoDbPayloadStore later =
        store(dynamoDb).chunkSize(4).clock(fixed(first.plusSeconds(60))).build();
    early.store("12345");
    later.store("1234567890");

    PayloadSweeper.Report report =
        sweeper(early, List.of(aws.createQueue()), Clock.systemUTC()).dryRun();

    assertThat(report.dryRun()).isTrue();
    assertThat(report.count()).as("2 + 1 chunks and 3 + 1: 7 items").isEqualTo(7);
    assertThat(report.bytes()).isEqualTo(15);
    assertThat(report.oldest()).contains(first);
    assertThat(report.deleted()).isEmpty();
    assertThat(storeItems()).hasSize(7);
  }

  @Test
  void aRunStopsAtItsMaxDeletes_andResumesAfterTheItemItReports_onAnAsynchronousStore(
      DynamoDbAsyncClient dynamoDbAsync, AwsResources aws) {
    DynamoDbPayloadStore store =
        DynamoDbPayloadStore.builder()
            .dynamoDbAsyncClient(dynamoDbAsync)
            .table(table)
            .keyPrefix("orders/")
            .chunkSize(4)
            .build();
    for (int i = 0; i < 3; i++) {
      store.store("payload " + i); // 3 chunks + manifest each
    }
    List<String> all = storeItems();
    PayloadSweeper sweeper =
        PayloadSweeper.builder()
            .store(store)
            .sqsClient(sqs)
            .queues(List.of(aws.createQueue()))
            .margin(Duration.ofHours(1))
            .clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(30)))
            .pageSize(3)
            .deletesPerSecond(1000)
            .build();

    List<String> deleted = new ArrayList<>();
    PayloadSweeper.Report report = sweeper.sweep(null, 5);
    int runs = 1;
    deleted.addAll(report.deleted());
    assertThat(report.deleted()).hasSize(5);
    assertThat(report.resumeAfter()).contains(report.deleted().get(4));
    while (report.resumeAfter().isPresent()) {
      report = sweeper.sweep(report.resumeAfter().get(), 5);
      deleted.addAll(report.deleted());
      runs++;
    }

    assertThat(runs).isEqualTo(3);
    assertThat(deleted)
        .hasSize(12)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(all);
    assertThat(storeItems()).isEmpty();
    assertThatThrownBy(() -> sweeper.sweep("other/x|manifest", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside the key prefix 'orders/'");
    assertThatThrownBy(() -> sweeper.sweep("orders/x", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected <pk>|manifest or <pk>|chunk#NNNNN");
    assertThatThrownBy(() -> sweeper.lifecycleRule("r"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lifecycleRule is for an S3 store")
        .hasMessageContaining("timeToLive");
  }

  @Test
  void itemsWrittenBeforeTheCreatedAttribute_areAgedFromTheirTtl_neverSweptBeforeTheirTtl(
      AwsResources aws) {
    Instant written = Instant.parse("2026-06-01T00:00:00Z");
    DynamoDbPayloadStore store =
        store(dynamoDb).timeToLive(Duration.ofDays(29)).clock(fixed(written)).build();
    PayloadPointer pointer = store.store("written by an earlier sqsx");
    for (String sk : List.of("chunk#00000", "manifest")) {
      dynamoDb.updateItem(
          r ->
              r.tableName(table)
                  .key(
                      Map.of(
                          "pk",
                          AttributeValue.fromS(pointer.key()),
                          "sk",
                          AttributeValue.fromS(sk)))
                  .updateExpression("REMOVE created"));
    }
    assertThat(dynamoDb.scan(r -> r.tableName(table)).items())
        .allSatisfy(item -> assertThat(item).doesNotContainKey("created").containsKey("ttl"));
    String queue = aws.createQueue();
    Instant ttl = written.plus(Duration.ofDays(29));
    // bound = 4 days (SQS's default retention) x (1 + 1 redrive) + 1 hour; the item counts as
    // written at ttl - 1 min
    Duration bound = Duration.ofDays(8).plusHours(1);

    PayloadSweeper atTtl = sweeper(store, List.of(queue), fixed(ttl));
    assertThat(atTtl.bound()).isEqualTo(bound);
    assertThat(atTtl.dryRun().count()).as("29 days after it was written: not yet").isZero();
    assertThat(
            sweeper(store, List.of(queue), fixed(ttl.minusSeconds(60).plus(bound)))
                .sweep(null, 10)
                .count())
        .as("at ttl - 1 min + bound: not yet")
        .isZero();
    PayloadSweeper.Report swept =
        sweeper(store, List.of(queue), fixed(ttl.minusSeconds(59).plus(bound))).sweep(null, 10);
    assertThat(swept.deleted())
        .containsExactly(pointer.key() + "|chunk#00000", pointer.key() + "|manifest");
    assertThat(swept.oldest()).contains(ttl.minusSeconds(60));
    assertThat(storeItems()).isEmpty();
  }

  @Test
  void aPayloadStoredAgainUnderItsStableKeyWhileASweepRuns_isKept(
      AwsEndpoints endpoints, AwsResources aws) {
    DynamoDbPayloadStore now = store(dynamoDb).build();
    Instant longAgo = Instant.now().minus(Duration.ofDays(30));
    String stableKey = "5eed";
    PayloadPointer pointer =
        store(dynamoDb).clock(fixed(longAgo)).build().store("same payload", stableKey);
    AtomicBoolean storedAgain = new AtomicBoolean();
    ExecutionInterceptor storeAgainBeforeTheFirstDelete =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof DeleteItemRequest
                && storedAgain.compareAndSet(false, true)) {
              now.store("same payload", stableKey); // a new message points to it
            }
          }
        };
    try (DynamoDbClient sweeping =
        endpoints
            .configure(DynamoDbClient.builder(), endpoints.dynamoDbEndpoint())
            .overrideConfiguration(o -> o.addExecutionInterceptor(storeAgainBeforeTheFirstDelete))
            .build()) {
      PayloadSweeper sweeper =
          sweeper(
              DynamoDbPayloadStore.builder()
                  .dynamoDbClient(sweeping)
                  .table(table)
                  .keyPrefix("orders/")
                  .build(),
              List.of(aws.createQueue()),
              Clock.systemUTC());

      PayloadSweeper.Report report = sweeper.sweep(null, 10);

      assertThat(storedAgain).isTrue();
      assertThat(report.count()).as("each delete found the item written again").isZero();
      assertThat(report.deleted()).isEmpty();
      assertThat(now.read(pointer)).isEqualTo("same payload");
    }
  }

  @Test
  void aTimeToLiveOfTheBound_isWrittenOnEveryItem(AwsResources aws) {
    String queue = aws.createQueue();
    Duration bound = sweeper(store(dynamoDb).build(), List.of(queue), Clock.systemUTC()).bound();
    Instant at = Instant.parse("2026-12-03T12:00:00.123Z");

    store(dynamoDb).timeToLive(bound).clock(fixed(at)).chunkSize(4).build().store("123456789");

    List<Map<String, AttributeValue>> items = dynamoDb.scan(r -> r.tableName(table)).items();
    assertThat(items).hasSize(4);
    assertThat(items)
        .allSatisfy(
            item -> {
              assertThat(item.get("ttl").n())
                  .isEqualTo(Long.toString(at.plus(bound).getEpochSecond()));
              assertThat(item.get("created").n()).isEqualTo(Long.toString(at.toEpochMilli()));
            });
  }

  @Test
  void aStoreWithoutAKeyPrefix_sweepsOnlyItsOwnItemsOfTheTable(AwsResources aws) {
    DynamoDbPayloadStore store =
        DynamoDbPayloadStore.builder().dynamoDbClient(dynamoDb).table(table).build();
    PayloadPointer orphan = store.store("orphan");
    putForeign("billing/1", "manifest", false);
    putForeign("billing/1", "chunk#00000", false);
    putForeign("billing/2", "profile", true);

    PayloadSweeper.Report report =
        sweeper(
                store,
                List.of(aws.createQueue()),
                Clock.offset(Clock.systemUTC(), Duration.ofDays(30)))
            .sweep(null, 100);

    assertThat(report.deleted())
        .containsExactly(orphan.key() + "|chunk#00000", orphan.key() + "|manifest");
    assertThat(allKeys())
        .containsExactlyInAnyOrder(
            "billing/1|manifest", "billing/1|chunk#00000", "billing/2|profile");
  }

  private DynamoDbPayloadStore.Builder store(DynamoDbClient client) {
    return DynamoDbPayloadStore.builder().dynamoDbClient(client).table(table).keyPrefix("orders/");
  }

  private PayloadSweeper sweeper(DynamoDbPayloadStore store, List<String> queues, Clock clock) {
    return PayloadSweeper.builder()
        .store(store)
        .sqsClient(sqs)
        .queues(queues)
        .margin(Duration.ofHours(1))
        .clock(clock)
        .deletesPerSecond(1000)
        .build();
  }

  private static Clock fixed(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  /**
   * Another application's item, written in 1970: with {@code payloadAttributes}, a {@code ttl},
   * {@code created}, {@code sha256} and {@code data}, so only its key tells it from a payload item;
   * without, only an owner.
   */
  private void putForeign(String pk, String sk, boolean payloadAttributes) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS(pk));
    item.put("sk", AttributeValue.fromS(sk));
    item.put("owner", AttributeValue.fromS("billing"));
    if (payloadAttributes) {
      item.put("ttl", AttributeValue.fromN("1"));
      item.put("created", AttributeValue.fromN("1"));
      item.put("sha256", AttributeValue.fromS("0".repeat(64)));
      item.put("data", AttributeValue.fromB(SdkBytes.fromUtf8String("theirs")));
    }
    dynamoDb.putItem(r -> r.tableName(table).item(item));
  }

  /** The store's items (key prefix "orders/", its sort keys), as {@code pk|sk}. */
  private List<String> storeItems() {
    return allKeys().stream()
        .filter(k -> k.startsWith("orders/") && !k.startsWith("orders/not-a-payload"))
        .filter(k -> !k.startsWith("orders/no-layout"))
        .toList();
  }

  private List<String> allKeys() {
    List<String> keys = new ArrayList<>();
    dynamoDb
        .scanPaginator(r -> r.tableName(table))
        .items()
        .forEach(item -> keys.add(item.get("pk").s() + "|" + item.get("sk").s()));
    return keys;
  }

  private static List<Message> receive(SqsClient client, String queueUrl) {
    return client
        .receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
        .messages();
  }

  /** Reads the live messages' SentTimestamp, making them visible again at once. */
  private static List<Message> peek(SqsClient sqs, String... queueUrls) {
    List<Message> all = new ArrayList<>();
    for (String url : queueUrls) {
      List<Message> got =
          sqs.receiveMessage(
                  r ->
                      r.queueUrl(url)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP))
              .messages();
      assertThat(got).as("live messages in %s", url).hasSize(1);
      for (Message m : got) {
        sqs.changeMessageVisibility(
            r -> r.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
      }
      all.addAll(got);
    }
    return all;
  }
}
