/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.reliability;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sqsx.consumer.BatchOutcome;
import dev.sqsx.consumer.NonRetryableException;
import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.extended.ExtendedMessages;
import dev.sqsx.extended.PayloadStore;
import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.idempotency.IdempotencyKey;
import dev.sqsx.idempotency.IdempotencyLease;
import dev.sqsx.idempotency.IdempotentHandler;
import dev.sqsx.lambda.LambdaConsumer;
import dev.sqsx.lambda.LambdaConsumerBuilder;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The Lambda soak's function: a {@link LambdaConsumer} (payloads from S3 and deleted after success,
 * non-retryable failures sent to the DLQ) running an {@link IdempotentHandler} whose effect is
 * written to an {@link EffectLedger}. Orders chosen by the seed fail their first attempt, poison
 * orders fail for good, and one invocation in {@value #TIMEOUT_EVERY} runs past its timeout, in
 * turn in one of two ways:
 *
 * <ul>
 *   <li>{@link Stall#RECORD}: a record of the batch hangs (a call that never answers) until the
 *       timeout has passed, then gives up without an effect, as a killed function would;
 *   <li>{@link Stall#AFTER}: the consumer has settled the batch, and the function's own work after
 *       it (a metrics flush, a trace export) runs past the timeout — taken only by an invocation
 *       holding an offloaded record, so records whose payloads were handled come back.
 * </ul>
 *
 * <p>An invocation that returns after its timeout gets no response taken: the whole batch comes
 * back after its visibility timeout (the event source mapping harness settles it so). The second
 * kind always times out; the first does as long as the consumer waits for the hung record.
 * Thread-safe: the soak's pollers invoke it side by side.
 */
final class LambdaSoakFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {

  /** One invocation in this many times out. */
  static final int TIMEOUT_EVERY = 20;

  /** What the function runs: a record handler on either queue, or a batch handler on FIFO. */
  enum Shape {
    STANDARD(false, false),
    FIFO(true, false),
    FIFO_BATCH(true, true);

    final boolean fifo;
    final boolean batch;

    Shape(boolean fifo, boolean batch) {
      this.fifo = fifo;
      this.batch = batch;
    }
  }

  /** How an invocation runs past its timeout. */
  enum Stall {
    NONE,
    RECORD,
    AFTER
  }

  private static final String NAME = "fn";

  private final LambdaSoakOrders orders;
  private final EffectLedger ledger;
  private final IdempotentHandler idempotent;
  private final LambdaConsumer consumer;
  private final int timeoutOffset;
  private final Map<String, Context> hangs = new ConcurrentHashMap<>();
  private final Set<String> failedFirst = ConcurrentHashMap.newKeySet();
  private final Map<Integer, List<Integer>> groupEffects = new ConcurrentHashMap<>();
  private final Map<String, String> orderOfPayload = new ConcurrentHashMap<>();
  private final LongAdder recordStalls = new LongAdder();
  private final LongAdder afterStalls = new LongAdder();
  private final LongAdder offloadedDoneBeforeTimeout = new LongAdder();
  private int invocations;
  private int timeoutsDue;
  private Stall nextStall = Stall.AFTER;

  LambdaSoakFunction(
      Shape shape,
      LambdaSoakOrders orders,
      long seed,
      EffectLedger ledger,
      PayloadStore store,
      SqsClient sqs,
      String dlqUrl,
      DynamoDbClient dynamoDb,
      String idempotencyTable) {
    this.orders = orders;
    this.ledger = ledger;
    this.timeoutOffset = (int) Math.floorMod(seed, (long) TIMEOUT_EVERY);
    this.idempotent =
        IdempotentHandler.builder()
            .store(DynamoDbIdempotencyStore.create(dynamoDb, idempotencyTable))
            .namespace("orders")
            .key(IdempotencyKey.jsonField("/orderId"))
            .handler(this::apply)
            .build();
    LambdaConsumerBuilder builder =
        LambdaConsumer.builder()
            .payloadStore(store)
            .deletePayloads(true)
            .sqsClient(sqs)
            .deadLetterQueueUrl(dlqUrl);
    this.consumer =
        (shape.batch ? builder.batchHandler(this::handleBatch) : builder.handler(this::handle))
            .build();
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    List<SQSEvent.SQSMessage> records = event.getRecords();
    records.stream().filter(LambdaSoakFunction::offloaded).forEach(this::notePayload);
    Stall stall = plan(records);
    String hung = stall == Stall.RECORD ? hungRecord(records) : null;
    if (hung != null) {
      recordStalls.increment();
      hangs.put(hung, context);
    }
    try {
      SQSBatchResponse response = consumer.handle(event, context);
      if (stall == Stall.AFTER) {
        afterStalls.increment();
        Set<String> failed = new HashSet<>();
        response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
        long done =
            records.stream()
                .filter(r -> offloaded(r) && !failed.contains(r.getMessageId()))
                .count();
        offloadedDoneBeforeTimeout.add(done);
        if (done == 0) {
          afterStallMissed();
        }
        sleep(context.getRemainingTimeInMillis() + 100L);
      }
      return response;
    } finally {
      if (hung != null) {
        hangs.remove(hung);
      }
    }
  }

  /** Every {@value #TIMEOUT_EVERY}th invocation a timeout falls due; the kinds take turns. */
  private synchronized Stall plan(List<SQSEvent.SQSMessage> records) {
    if (++invocations % TIMEOUT_EVERY == timeoutOffset) {
      timeoutsDue++;
    }
    if (timeoutsDue == 0
        || (nextStall == Stall.AFTER
            && records.stream().noneMatch(LambdaSoakFunction::offloaded))) {
      return Stall.NONE;
    }
    timeoutsDue--;
    Stall stall = nextStall;
    nextStall = stall == Stall.AFTER ? Stall.RECORD : Stall.AFTER;
    return stall;
  }

  /**
   * An after-stall whose offloaded records all failed (a loaded machine, an injected failure) did
   * not run the scenario it is for; the next timeout due is an after-stall again.
   */
  private synchronized void afterStallMissed() {
    nextStall = Stall.AFTER;
  }

  /**
   * The record that hangs: the batch's last one that is the first of its FIFO group in the batch
   * (on a standard queue, the last one), so that it runs whatever fails before it.
   */
  private static String hungRecord(List<SQSEvent.SQSMessage> records) {
    Set<String> groups = new HashSet<>();
    String chosen = null;
    for (SQSEvent.SQSMessage record : records) {
      String group =
          record.getAttributes() == null ? null : record.getAttributes().get("MessageGroupId");
      if (group == null || groups.add(group)) {
        chosen = record.getMessageId();
      }
    }
    return chosen;
  }

  private static boolean offloaded(SQSEvent.SQSMessage record) {
    return record.getMessageAttributes() != null
        && (record.getMessageAttributes().containsKey(ExtendedMessages.MARKER)
            || record.getMessageAttributes().containsKey(ExtendedMessages.LEGACY_MARKER));
  }

  /** The record handler: a hang when this delivery is the one chosen, else the idempotent one. */
  private void handle(ReceivedMessage message) throws Exception {
    Context hung = hangs.get(message.messageId());
    if (hung != null) {
      sleep(hung.getRemainingTimeInMillis() + 100L);
      throw new IllegalStateException(
          "message " + message.messageId() + " hung past the function timeout");
    }
    idempotent.handle(message);
    String handle = message.sdkMessage().receiptHandle();
    SoakOrders.payloadKey(handle).ifPresent(key -> ledger.handledPayload(key, NAME, handle));
  }

  /** Notes which order an offloaded record's payload belongs to (its pointer, its attribute). */
  private void notePayload(SQSEvent.SQSMessage record) {
    SQSEvent.MessageAttribute orderId = record.getMessageAttributes().get("orderId");
    SoakOrders.pointerKey(record.getBody())
        .ifPresent(
            key -> orderOfPayload.put(key, orderId == null ? "?" : orderId.getStringValue()));
  }

  /**
   * The batch handler: the records in order; after a retryable failure, its group's later records
   * are not run (LambdaConsumer reports them failed, as documented, so the group keeps its order);
   * after a non-retryable one the group goes on, as LambdaConsumer's own record runner does (the
   * record is dead-lettered, not retried); after a hang, nothing more runs (the function is past
   * its timeout) and the rest is reported failed.
   */
  private BatchOutcome handleBatch(List<ReceivedMessage> messages) {
    BatchOutcome.Builder outcome = BatchOutcome.builder();
    Set<String> failedGroups = new HashSet<>();
    boolean pastTimeout = false;
    for (ReceivedMessage message : messages) {
      String group = message.messageGroupId().orElse("");
      if (pastTimeout) {
        outcome.failed(message.messageId(), new IllegalStateException("past the function timeout"));
      } else if (!failedGroups.contains(group)) {
        try {
          handle(message);
        } catch (Exception e) {
          outcome.failed(message.messageId(), e);
          if (!(e instanceof NonRetryableException)) {
            failedGroups.add(group);
          }
          pastTimeout = hangs.containsKey(message.messageId());
        }
      }
    }
    return outcome.build();
  }

  /** The idempotent handler's work: the order's effect, once its key is claimed. */
  private String apply(ReceivedMessage message, IdempotencyLease lease) {
    String orderId = SoakOrders.orderId(message.body());
    int order = LambdaSoakOrders.order(orderId);
    if (LambdaSoakOrders.poison(order)) {
      throw new NonRetryableException("order " + orderId + " is poison by design");
    }
    if (orders.failsFirst(order) && failedFirst.add(orderId)) {
      throw new IllegalStateException("the first attempt of order " + orderId + " fails by design");
    }
    ledger.applied(orderId, NAME, lease.fencingToken());
    groupEffects
        .computeIfAbsent(LambdaSoakOrders.group(order), g -> new CopyOnWriteArrayList<>())
        .add(LambdaSoakOrders.position(order));
    return null;
  }

  /** Per FIFO group, the positions of the orders in the order their effects were applied. */
  Map<Integer, List<Integer>> groupEffects() {
    return Map.copyOf(groupEffects);
  }

  /** The order whose payload {@code key} ({@code s3:<key>}) is, for the records delivered. */
  String orderOfPayload(String key) {
    return orderOfPayload.getOrDefault(key, "?");
  }

  int firstAttemptsFailed() {
    return failedFirst.size();
  }

  long recordStalls() {
    return recordStalls.sum();
  }

  long afterStalls() {
    return afterStalls.sum();
  }

  /** Offloaded records settled as done in invocations that then ran past their timeout. */
  long offloadedDoneBeforeTimeout() {
    return offloadedDoneBeforeTimeout.sum();
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
