/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.extended.DynamoDbPayloadStore;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.extended.TieredPayloadStore;
import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.faults.FaultInjector;
import dev.sqsx.testing.faults.FaultStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The soak: orders of mixed sizes (some offloaded to S3, some to DynamoDB) through three consumer
 * instances with the idempotency wrapper, 10% of all HTTP requests to SQS, S3 and DynamoDB failing
 * (server errors, throttling, resets, lost responses) plus latency, and one instance crashed and
 * replaced five times while it runs. See RELIABILITY.md for what each check means.
 *
 * <p>Scaled down by default (1,000 orders); {@code -Dsqsx.soak=full} (or {@code SQSX_SOAK=full})
 * runs 10,000; {@code -Dsqsx.soak.messages=N} and {@code -Dsqsx.soak.seed=S} override.
 */
@LocalAws
class SoakIT {

  private static final boolean FULL =
      "full".equalsIgnoreCase(System.getProperty("sqsx.soak", System.getenv("SQSX_SOAK")));
  private static final int MESSAGES =
      Integer.getInteger("sqsx.soak.messages", FULL ? 10_000 : 1_000);
  private static final long SEED = Long.getLong("sqsx.soak.seed", 20_261_122L);
  private static final int INSTANCES = 3;
  private static final int CRASHES = 5;
  private static final double FAILURE_RATE = 0.10;
  private static final Duration TIMEOUT = FULL ? Duration.ofMinutes(20) : Duration.ofMinutes(5);

  private final EffectLedger ledger = new EffectLedger();
  private final RefusedDeletes refusedDeletes = new RefusedDeletes();
  private final List<FaultInjector> injectors = new ArrayList<>();
  private final LongAdder sendAttempts = new LongAdder();
  private final LongAdder sendFailures = new LongAdder();

  private FaultInjector nextInjector() {
    FaultInjector faults =
        FaultInjector.builder()
            .seed(SEED + injectors.size())
            .failureRate(FAILURE_RATE)
            .latency(0.05, Duration.ofMillis(30))
            .build();
    injectors.add(faults);
    return faults;
  }

  @Test
  void mixedOrders_faultsAndCrashes_everyEffectOnce_nothingLost_noPayloadLeft(
      AwsEndpoints endpoints, AwsResources aws, SqsClient sqs, S3Client s3, DynamoDbClient dynamoDb)
      throws Exception {
    QueueWithDlq queue = aws.createQueueWithDlq(10, Duration.ofSeconds(5));
    String bucket = aws.createBucket();
    String payloadTable = aws.uniqueName("soak-payloads");
    String idempotencyTable = aws.uniqueName("soak-idempotency");
    DynamoDbPayloadStore.createTable(dynamoDb, payloadTable);
    DynamoDbIdempotencyStore.createTable(dynamoDb, idempotencyTable);
    ConsumerInstance.Setup setup =
        new ConsumerInstance.Setup(
            endpoints, queue.queueUrl(), bucket, payloadTable, idempotencyTable, 8);
    long started = System.nanoTime();
    List<ConsumerInstance> crashed = new ArrayList<>();
    ConsumerInstance[] live = new ConsumerInstance[INSTANCES];
    try {
      for (int i = 0; i < INSTANCES; i++) {
        live[i] =
            new ConsumerInstance("c" + i + ".0", setup, nextInjector(), ledger, refusedDeletes);
      }
      Thread producer = new Thread(() -> produce(endpoints, setup), "soak-producer");
      producer.start();

      int expectedApplied = MESSAGES - poisonCount();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      int crashes = 0;
      List<Thread> reapers = new ArrayList<>();
      while (System.nanoTime() < deadline) {
        if (crashes < CRASHES
            && ledger.ordersApplied() >= (crashes + 1) * expectedApplied / (CRASHES + 1)) {
          crashes++;
          reapers.add(live[0].crash());
          crashed.add(live[0]);
          live[0] =
              new ConsumerInstance("c0." + crashes, setup, nextInjector(), ledger, refusedDeletes);
        }
        if (!producer.isAlive()
            && crashes == CRASHES
            && ledger.ordersApplied() >= expectedApplied
            && aws.messagesIn(queue.queueUrl()) == 0) {
          break;
        }
        Thread.sleep(100);
      }
      producer.join(Duration.ofSeconds(30).toMillis());
      for (Thread reaper : reapers) {
        reaper.join(Duration.ofSeconds(30).toMillis());
      }
      for (ConsumerInstance instance : live) {
        instance.stop();
      }
      double seconds = (System.nanoTime() - started) / 1e9;

      verify(
          aws, sqs, s3, dynamoDb, queue, bucket, payloadTable, idempotencyTable, crashed, seconds);
    } finally {
      for (ConsumerInstance instance : live) {
        if (instance != null) {
          instance.stop();
        }
      }
      dynamoDb.deleteTable(r -> r.tableName(payloadTable));
      dynamoDb.deleteTable(r -> r.tableName(idempotencyTable));
    }
  }

  private static int poisonCount() {
    int poison = 0;
    for (int order = 0; order < MESSAGES; order++) {
      poison += SoakOrders.poison(order) ? 1 : 0;
    }
    return poison;
  }

  /** Sends every order once, retrying what fails; lost responses make duplicates, as in life. */
  private void produce(AwsEndpoints endpoints, ConsumerInstance.Setup setup) {
    Random random = new Random(SEED);
    try (FaultyClients clients = new FaultyClients(endpoints, nextInjector())) {
      SqsExtendedClient extended =
          SqsExtendedClient.builder()
              .sqsClient(clients.sqs)
              .payloadStore(
                  TieredPayloadStore.builder()
                      .tier(
                          SoakOrders.DYNAMODB_TIER,
                          DynamoDbPayloadStore.builder()
                              .dynamoDbClient(clients.dynamoDb)
                              .table(setup.payloadTable())
                              .build())
                      .otherwise(
                          S3PayloadStore.builder()
                              .s3Client(clients.s3)
                              .bucket(setup.bucket())
                              .build())
                      .build())
              .payloadSizeThreshold(SoakOrders.THRESHOLD)
              .build();
      for (int first = 0; first < MESSAGES; first += 10) {
        Map<String, SendMessageBatchRequestEntry> pending = new LinkedHashMap<>();
        for (int order = first; order < Math.min(first + 10, MESSAGES); order++) {
          pending.put(
              "e" + order,
              SendMessageBatchRequestEntry.builder()
                  .id("e" + order)
                  .messageBody(SoakOrders.body(order, random))
                  .messageAttributes(
                      Map.of(
                          "orderId",
                          MessageAttributeValue.builder()
                              .dataType("String")
                              .stringValue(SoakOrders.id(order))
                              .build()))
                  .build());
        }
        sendAll(extended, setup.queueUrl(), pending);
      }
    }
  }

  private void sendAll(
      SqsExtendedClient extended,
      String queueUrl,
      Map<String, SendMessageBatchRequestEntry> pending) {
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      if (attempt > 50) {
        throw new IllegalStateException("could not send " + pending.keySet());
      }
      sendAttempts.increment();
      try {
        SendMessageBatchResponse response =
            extended.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(pending.values()));
        response.successful().forEach(sent -> pending.remove(sent.id()));
      } catch (RuntimeException e) {
        sendFailures.increment();
      }
      if (!pending.isEmpty()) {
        sleep(20L * attempt);
      }
    }
  }

  private void verify(
      AwsResources aws,
      SqsClient sqs,
      S3Client s3,
      DynamoDbClient dynamoDb,
      QueueWithDlq queue,
      String bucket,
      String payloadTable,
      String idempotencyTable,
      List<ConsumerInstance> crashed,
      double seconds) {
    Set<String> crashedNames = new HashSet<>();
    crashed.forEach(instance -> crashedNames.add(instance.name));
    Map<String, Long> completedVersion = completedRecords(dynamoDb, idempotencyTable);
    Map<String, List<EffectLedger.Execution>> executions = ledger.executions();

    List<String> lost = new ArrayList<>();
    List<String> duplicated = new ArrayList<>();
    List<String> poisonApplied = new ArrayList<>();
    int rolledBack = 0;
    for (int order = 0; order < MESSAGES; order++) {
      String id = SoakOrders.id(order);
      List<EffectLedger.Execution> runs = executions.getOrDefault(id, List.of());
      if (SoakOrders.poison(order)) {
        if (!runs.isEmpty()) {
          poisonApplied.add(id);
        }
        continue;
      }
      Long winner = completedVersion.get("orders#" + id);
      if (winner == null || runs.isEmpty()) {
        lost.add(id + " (record " + winner + ", executions " + runs + ")");
        continue;
      }
      int committed = 0;
      for (EffectLedger.Execution run : runs) {
        if (run.fencingToken() == winner) {
          committed++;
        } else if (crashedNames.contains(run.instance())) {
          rolledBack++; // a crashed holder's effect, superseded by the takeover's token
        } else {
          duplicated.add(id + " also by live " + run);
        }
      }
      if (committed != 1) {
        duplicated.add(id + " committed " + committed + " times: " + runs);
      }
    }

    DeadLetters dead = deadLetters(sqs, queue.dlqUrl());
    Set<String> poison = new HashSet<>();
    for (int order = 0; order < MESSAGES; order++) {
      if (SoakOrders.poison(order)) {
        poison.add(SoakOrders.id(order));
      }
    }
    List<String> unexpectedDead = new ArrayList<>();
    for (String other : dead.others) {
      unexpectedDead.add(other);
    }

    List<String> orphans = new ArrayList<>();
    int crashOrphans = 0;
    int refusedOrphans = 0;
    for (Map.Entry<String, Set<String>> handled : ledger.handledPayloads().entrySet()) {
      if (payloadExists(s3, dynamoDb, bucket, payloadTable, handled.getKey())) {
        if (ledger.sqsHandles(handled.getKey()).stream().anyMatch(refusedDeletes::refused)) {
          // its delete was refused as a repeat (see RefusedDeletes): payload kept on purpose
          refusedOrphans++;
        } else if (crashedNames.containsAll(handled.getValue())) {
          // handled only by instances that died between the SQS delete and the payload delete
          crashOrphans++;
        } else {
          orphans.add(handled.getKey() + " handled by " + handled.getValue());
        }
      }
    }
    long leftoverObjects = s3.listObjectsV2(r -> r.bucket(bucket)).keyCount();
    long leftoverItems = dynamoDb.scan(r -> r.tableName(payloadTable).select("COUNT")).count();

    long faults = 0;
    long requests = 0;
    Map<String, Long> byKind = new HashMap<>();
    for (FaultInjector injector : injectors) {
      FaultStats stats = injector.stats();
      faults += stats.totalInjected();
      requests += stats.requests();
      stats.injected().forEach((kind, count) -> byKind.merge(kind.name(), count, Long::sum));
    }
    System.out.printf(
        "soak: %,d orders (%d poison) in %.1f s, seed %d; %,d HTTP requests, %,d faults injected"
            + " %s; %d crashes; producer batches %,d (%,d failed and were resent);"
            + " lost %d, duplicates applied %d, crash-window executions rolled back %d;"
            + " DLQ: %d poison orders, %d pointer copies whose payload a sibling's delete removed,"
            + " %d unexpected; payloads deleted while a pointer to them lived %d; orphaned payloads of handled messages %d, plus %d of messages a"
            + " crash interrupted between the SQS delete and the payload delete and %d kept"
            + " after a repeated delete was refused as invalid; left in the stores: %d S3"
            + " objects, %d DynamoDB items%n",
        MESSAGES,
        poison.size(),
        seconds,
        SEED,
        requests,
        faults,
        byKind,
        crashed.size(),
        sendAttempts.sum(),
        sendFailures.sum(),
        lost.size(),
        duplicated.size(),
        rolledBack,
        dead.poison.size(),
        dead.pointerCopies,
        unexpectedDead.size(),
        ledger.missingPayloads().size(),
        orphans.size(),
        crashOrphans,
        refusedOrphans,
        leftoverObjects,
        leftoverItems);

    assertThat(crashed).as("crashes").hasSize(CRASHES);
    assertThat(faults).as("faults injected").isGreaterThan(requests / 20);
    assertThat(lost).as("orders never applied").isEmpty();
    assertThat(duplicated).as("orders applied more than once").isEmpty();
    assertThat(poisonApplied).as("poison orders applied").isEmpty();
    assertThat(dead.poison).as("poison orders in the DLQ").isEqualTo(poison);
    assertThat(unexpectedDead).as("DLQ messages that are not designated poison").isEmpty();
    assertThat(dead.pointerCopies)
        .as(
            "pointer copies in the DLQ: each send attempt stores a payload of its own, so no copy"
                + " loses its payload to a sibling's delete")
        .isZero();
    assertThat(ledger.missingPayloads())
        .as("receives that found a payload deleted while a pointer to it lived")
        .isEmpty();
    assertThat(orphans).as("payloads of handled messages still stored").isEmpty();
    assertThat(aws.messagesIn(queue.queueUrl())).as("messages left in the queue").isZero();
  }

  /** What the DLQ holds, sorted by why. */
  private static final class DeadLetters {
    final Set<String> poison = new HashSet<>();
    int pointerCopies;
    final List<String> others = new ArrayList<>();
  }

  private DeadLetters deadLetters(SqsClient sqs, String dlqUrl) {
    DeadLetters dead = new DeadLetters();
    Map<String, List<EffectLedger.Execution>> executions = ledger.executions();
    Map<String, Set<String>> handled = ledger.handledPayloads();
    while (true) {
      List<Message> batch =
          sqs.receiveMessage(
                  r ->
                      r.queueUrl(dlqUrl)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .visibilityTimeout(600)
                          .messageAttributeNames("All"))
              .messages();
      if (batch.isEmpty()) {
        return dead;
      }
      for (Message message : batch) {
        MessageAttributeValue order = message.messageAttributes().get("orderId");
        MessageAttributeValue errorClass = message.messageAttributes().get("sqsx.ErrorClass");
        String id = order == null ? null : order.stringValue();
        String error = errorClass == null ? null : errorClass.stringValue();
        if (id != null && SoakOrders.poison(id)) {
          dead.poison.add(id);
        } else if (id != null
            && error != null
            && error.endsWith("PayloadNotFoundException")
            && executions.containsKey(id)
            && SoakOrders.pointerKey(message.body()).filter(handled::containsKey).isPresent()) {
          // a send retried by the SDK after a lost response enqueued two messages with one
          // pointer; the copy handled first deleted the payload (so its pointer was handled);
          // this one's order was applied
          dead.pointerCopies++;
        } else {
          dead.others.add("message " + message.messageId() + " order " + id + " error " + error);
        }
      }
    }
  }

  private static Map<String, Long> completedRecords(DynamoDbClient dynamoDb, String table) {
    Map<String, Long> completed = new HashMap<>();
    dynamoDb
        .scanPaginator(r -> r.tableName(table).consistentRead(true))
        .items()
        .forEach(
            item -> {
              if ("COMPLETED".equals(item.get("status").s())) {
                completed.put(item.get("id").s(), Long.parseLong(item.get("version").n()));
              }
            });
    return completed;
  }

  private static boolean payloadExists(
      S3Client s3, DynamoDbClient dynamoDb, String bucket, String table, String key) {
    if (key.startsWith("s3:")) {
      try {
        s3.headObject(r -> r.bucket(bucket).key(key.substring(3)));
        return true;
      } catch (NoSuchKeyException e) {
        return false;
      } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
        if (e.statusCode() == 404) {
          return false;
        }
        throw e;
      }
    }
    return dynamoDb
            .query(
                r ->
                    r.tableName(table)
                        .keyConditionExpression("pk = :k")
                        .expressionAttributeValues(
                            Map.of(":k", AttributeValue.fromS(key.substring("dynamodb:".length()))))
                        .select("COUNT"))
            .count()
        > 0;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
