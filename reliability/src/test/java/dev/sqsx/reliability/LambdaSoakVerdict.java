/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.reliability;

import dev.sqsx.reliability.LambdaSoakFunction.Shape;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.lambda.LambdaEventSourceMapping.Invocation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.assertj.core.api.SoftAssertions;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * What the Lambda soak checks once the queue has drained: every order's effect applied exactly once
 * under its completed idempotency key, no payload read after it was deleted, a DLQ holding the
 * poison orders only (no pointer to a deleted payload), FIFO groups in send order, the payloads of
 * handled orders deleted and the queue empty. Prints a report line, then asserts every check at
 * once (each failed check lists at most 10 examples and counts them all).
 */
final class LambdaSoakVerdict {

  private final Shape shape;
  private final LambdaSoakOrders orders;
  private final EffectLedger ledger;
  private final LambdaSoakFunction function;
  private final MissingPayloadReads missingReads;
  private final List<Invocation> invocations;

  LambdaSoakVerdict(
      Shape shape,
      LambdaSoakOrders orders,
      EffectLedger ledger,
      LambdaSoakFunction function,
      MissingPayloadReads missingReads,
      List<Invocation> invocations) {
    this.shape = shape;
    this.orders = orders;
    this.ledger = ledger;
    this.function = function;
    this.missingReads = missingReads;
    this.invocations = invocations;
  }

  void check(
      AwsResources aws,
      SqsClient sqs,
      S3Client s3,
      DynamoDbClient dynamoDb,
      QueueWithDlq queue,
      String bucket,
      String idempotencyTable,
      double seconds,
      long seed) {
    Map<String, Long> missingByOrder = new TreeMap<>();
    missingReads
        .keys()
        .forEach(key -> missingByOrder.merge(function.orderOfPayload(key), 1L, Long::sum));
    DeadLetters dead = deadLetters(sqs, s3, queue.dlqUrl(), bucket);
    Map<String, Long> completed = completedRecords(dynamoDb, idempotencyTable);
    Map<String, List<EffectLedger.Execution>> executions = ledger.executions();
    List<String> lost = new ArrayList<>();
    List<String> duplicated = new ArrayList<>();
    List<String> uncompleted = new ArrayList<>();
    List<String> poisonApplied = new ArrayList<>();
    Set<String> poison = new HashSet<>();
    for (int order = 0; order < orders.count(); order++) {
      String id = SoakOrders.id(order);
      List<EffectLedger.Execution> runs = executions.getOrDefault(id, List.of());
      if (LambdaSoakOrders.poison(order)) {
        poison.add(id);
        if (!runs.isEmpty()) {
          poisonApplied.add(id);
        }
      } else if (runs.isEmpty()) {
        lost.add(
            id
                + (LambdaSoakOrders.offloaded(order) ? " (offloaded" : " (inline")
                + (dead.orders.contains(id) ? ", in the DLQ" : "")
                + (missingByOrder.containsKey(id)
                    ? ", " + missingByOrder.get(id) + " reads of its deleted payload"
                    : "")
                + ")");
      } else if (runs.size() > 1) {
        duplicated.add(id + " applied " + runs.size() + " times: " + runs);
      } else if (!Long.valueOf(runs.get(0).fencingToken()).equals(completed.get("orders#" + id))) {
        uncompleted.add(
            id + " ran as " + runs.get(0) + ", record " + completed.get("orders#" + id));
      }
    }
    List<String> dangling = new ArrayList<>();
    missingByOrder.forEach(
        (order, reads) -> dangling.add(order + ": " + reads + " reads found its payload deleted"));
    List<String> outOfOrder = shape.fifo ? outOfOrder(function.groupEffects()) : List.of();
    List<String> orphans = new ArrayList<>();
    for (String key : ledger.handledPayloads().keySet()) {
      if (exists(s3, bucket, key)) {
        orphans.add(key + " of " + function.orderOfPayload(key));
      }
    }
    int left = aws.messagesIn(queue.queueUrl());
    long timedOut = invocations.stream().filter(Invocation::timedOut).count();

    System.out.printf(
        Locale.ROOT,
        "lambda soak %s: %,d orders (%d poison) in %.1f s, seed %d; %,d invocations, %d timed out"
            + " (%d planned with a hung record, %d with the function running on after the"
            + " consumer, which had settled %d offloaded records as done); %d first attempts"
            + " failed by design; lost %d, applied more than once %d, effects without their"
            + " completed key %d; orders whose payload was read after its deletion %d (%d reads);"
            + " DLQ: %d of %d poison orders, %d unexpected, %d pointing to a deleted payload;"
            + " FIFO groups out of order %d; payloads of handled orders left %d; left in the"
            + " queue %d%n",
        shape,
        orders.count(),
        poison.size(),
        seconds,
        seed,
        invocations.size(),
        timedOut,
        function.recordStalls(),
        function.afterStalls(),
        function.offloadedDoneBeforeTimeout(),
        function.firstAttemptsFailed(),
        lost.size(),
        duplicated.size(),
        uncompleted.size(),
        missingByOrder.size(),
        missingReads.keys().size(),
        dead.poison.size(),
        poison.size(),
        dead.unexpected.size(),
        dead.pointersToDeleted.size(),
        outOfOrder.size(),
        orphans.size(),
        left);

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(timedOut).as("invocations that timed out (the scenario)").isPositive();
    softly
        .assertThat(function.offloadedDoneBeforeTimeout())
        .as("offloaded records done in invocations that then timed out (the scenario)")
        .isPositive();
    softly.assertThat(function.firstAttemptsFailed()).as("first attempts failed").isPositive();
    softly.assertThat(first(lost)).as("orders never applied (%d)", lost.size()).isEmpty();
    softly
        .assertThat(first(duplicated))
        .as("orders applied more than once (%d)", duplicated.size())
        .isEmpty();
    softly
        .assertThat(first(uncompleted))
        .as("effects without their completed idempotency key (%d)", uncompleted.size())
        .isEmpty();
    softly.assertThat(poisonApplied).as("poison orders applied").isEmpty();
    softly
        .assertThat(first(dangling))
        .as(
            "dangling pointers: orders whose payload was deleted while their message could still"
                + " come back (%d)",
            dangling.size())
        .isEmpty();
    softly
        .assertThat(first(dead.pointersToDeleted))
        .as("DLQ messages pointing to a deleted payload (%d)", dead.pointersToDeleted.size())
        .isEmpty();
    softly
        .assertThat(first(dead.unexpected))
        .as("DLQ messages that are not designated poison (%d)", dead.unexpected.size())
        .isEmpty();
    softly.assertThat(dead.poison).as("poison orders in the DLQ").isEqualTo(poison);
    softly
        .assertThat(first(outOfOrder))
        .as("FIFO groups whose effects are not in send order (%d)", outOfOrder.size())
        .isEmpty();
    softly
        .assertThat(first(orphans))
        .as(
            "payloads of handled orders still stored despite deletePayloads(true) (%d)",
            orphans.size())
        .isEmpty();
    softly.assertThat(left).as("messages left in the queue").isZero();
    softly.assertAll();
  }

  private static List<String> first(List<String> findings) {
    return findings.subList(0, Math.min(10, findings.size()));
  }

  /** Per group, where an effect came before one sent earlier (or twice). */
  private static List<String> outOfOrder(Map<Integer, List<Integer>> groupEffects) {
    List<String> findings = new ArrayList<>();
    new TreeMap<>(groupEffects)
        .forEach(
            (group, positions) -> {
              for (int i = 1; i < positions.size(); i++) {
                if (positions.get(i) <= positions.get(i - 1)) {
                  findings.add("g" + group + ": " + positions);
                  return;
                }
              }
            });
    return findings;
  }

  /** What the DLQ holds, sorted by why. */
  private static final class DeadLetters {
    final Set<String> orders = new HashSet<>();
    final Set<String> poison = new HashSet<>();
    final List<String> unexpected = new ArrayList<>();
    final List<String> pointersToDeleted = new ArrayList<>();
  }

  /**
   * Drains the DLQ, deleting as it reads: a FIFO DLQ delivers no more of a group while some of it
   * is in flight.
   */
  private static DeadLetters deadLetters(SqsClient sqs, S3Client s3, String dlqUrl, String bucket) {
    DeadLetters dead = new DeadLetters();
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
        String id = attribute(message, "orderId");
        String why = Optional.ofNullable(attribute(message, "sqsx.ErrorClass")).orElse("redrive");
        dead.orders.add(String.valueOf(id));
        if (id != null && LambdaSoakOrders.poison(LambdaSoakOrders.order(id))) {
          dead.poison.add(id);
        } else {
          dead.unexpected.add(id + " (" + why + ")");
        }
        SoakOrders.pointerKey(message.body())
            .filter(key -> !exists(s3, bucket, key))
            .ifPresent(key -> dead.pointersToDeleted.add(id + " -> " + key + " (" + why + ")"));
      }
      sqs.deleteMessageBatch(
          r ->
              r.queueUrl(dlqUrl)
                  .entries(
                      batch.stream()
                          .map(
                              m ->
                                  DeleteMessageBatchRequestEntry.builder()
                                      .id(m.messageId())
                                      .receiptHandle(m.receiptHandle())
                                      .build())
                          .toList()));
    }
  }

  private static String attribute(Message message, String name) {
    MessageAttributeValue value = message.messageAttributes().get(name);
    return value == null ? null : value.stringValue();
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

  /** Whether the S3 payload {@code s3:<key>} is still stored. */
  private static boolean exists(S3Client s3, String bucket, String key) {
    try {
      s3.headObject(r -> r.bucket(bucket).key(key.substring("s3:".length())));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }
}
