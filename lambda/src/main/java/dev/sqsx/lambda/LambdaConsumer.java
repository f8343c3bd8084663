/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sqsx.consumer.BatchOutcome;
import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.consumer.RetryPolicy;
import dev.sqsx.consumer.internal.Lease;
import dev.sqsx.consumer.internal.Settlement;
import dev.sqsx.extended.ExtendedMessages;
import dev.sqsx.extended.SnsNotification;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.lambda.internal.HandledPayloads;
import dev.sqsx.lambda.internal.Invocation;
import dev.sqsx.lambda.internal.QueueFacts;
import dev.sqsx.lambda.internal.Records;
import dev.sqsx.lambda.internal.Workers;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Runs a sqsx handler — the same {@code MessageHandler}, {@code AsyncMessageHandler} or {@code
 * BatchMessageHandler} an {@code SqsConsumer} runs — over the records of an SQS event in AWS
 * Lambda, and answers with a partial batch response (the event source mapping needs {@code
 * ReportBatchItemFailures}). Build one per function (a static field or the handler's constructor)
 * and call {@link #handle} from {@code handleRequest}, or extend {@link SqsxFunction}.
 *
 * <ul>
 *   <li>Standard queues: records run in parallel, at most {@code concurrency} at once (virtual
 *       threads on Java 21+). FIFO queues: groups run in parallel, each group's records in order;
 *       after a failure the failed record and the rest of <em>its group</em> are reported failed
 *       (not run), other groups go on.
 *   <li>Offloaded records (S3 or DynamoDB pointers, either marker name) are resolved with the
 *       configured {@code PayloadStore} and its allow-list; a record that cannot be resolved fails
 *       alone. With {@code deletePayloads(true)}, a payload is deleted only for a record the final
 *       response reports handled, once that response is decided, and after SQS confirmed the delete
 *       of the record, which the function makes itself.
 *   <li>A failure is reported in {@code batchItemFailures} (the record comes back after its
 *       visibility timeout; the queue's redrive policy dead-letters it after {@code
 *       maxReceiveCount} receives). A non-retryable failure ({@code NonRetryableException}, a
 *       malformed, not allowed or corrupted pointer, or what {@code nonRetryable} says), or the
 *       last attempt, goes to the configured DLQ with sqsx's reason attributes and is reported
 *       done, so the mapping deletes it; without a DLQ (or when the send fails) it is reported
 *       failed.
 *   <li>Each message carries the invocation's end as {@link ReceivedMessage#deadline()}: a record
 *       not started {@code timeoutMargin} before it is reported failed, not run, and an
 *       asynchronous handler is waited for until the margin begins; {@code IdempotentHandler} keeps
 *       its lease within it.
 *   <li>What happens to each record is decided by the settlement core {@code SqsConsumer} uses too;
 *       this class only runs the records and turns the decisions into the response.
 * </ul>
 *
 * <p>Thread-safe; one instance serves every invocation of a function. Logs carry queue and message
 * ids, never bodies.
 */
public final class LambdaConsumer {

  private final LambdaConfig config;
  private final Clock clock = Clock.systemUTC();
  private final Map<String, QueueFacts> queues = new ConcurrentHashMap<>();

  /**
   * What dead letters are sent with: with a payload store, an extended client over {@code
   * sqsClient} with the {@code auto} threshold (made once: it keeps each DLQ's limit), so a record
   * inline on its queue (up to 1 MiB) that, with sqsx's reason attributes, is more than the DLQ
   * takes (its own {@code MaximumMessageSize}, maybe still 262,144) is offloaded instead of
   * refused.
   */
  private final SqsClient deadLetters;

  LambdaConsumer(LambdaConfig config) {
    this.config = config;
    this.deadLetters =
        config.sqs() == null || config.payloadStore() == null
            ? config.sqs()
            : SqsExtendedClient.builder()
                .sqsClient(config.sqs())
                .payloadStore(config.payloadStore())
                .build();
  }

  /** A builder; a handler is required. */
  public static LambdaConsumerBuilder builder() {
    return new LambdaConsumerBuilder();
  }

  /**
   * Handles one SQS event; never throws for a record's failure (a record fails alone, in the
   * response).
   *
   * @param context the invocation's context (its remaining time bounds the work); may be null in
   *     tests, for no deadline
   */
  public SQSBatchResponse handle(SQSEvent event, Context context) {
    List<SQSEvent.SQSMessage> records =
        event == null || event.getRecords() == null ? List.of() : event.getRecords();
    if (records.isEmpty()) {
      return new SQSBatchResponse(new ArrayList<>());
    }
    long now = clock.millis();
    long remaining = context == null ? -1 : context.getRemainingTimeInMillis();
    Instant deadline = remaining < 0 ? null : Instant.ofEpochMilli(now + remaining);
    // a record's lease is the invocation; nothing starts, is waited for or has its payload deleted
    // once the margin before its end has begun
    long end = deadline == null ? Long.MAX_VALUE : deadline.toEpochMilli();
    long leaseEnd = deadline == null ? end : end - config.timeoutMargin().toMillis();
    List<Lease> leases = new ArrayList<>(records.size());
    for (SQSEvent.SQSMessage record : records) {
      QueueFacts queue = queue(record.getEventSourceArn(), remaining);
      ReceivedMessage message =
          new ReceivedMessage(
              Records.toMessage(record), queue.queueUrl(), queue.maxReceiveCount(), deadline);
      leases.add(new Lease(message, now, end));
    }
    boolean fifo = records.get(0).getEventSourceArn().endsWith(".fifo");
    Invocation invocation =
        new Invocation(fifo, deadLetters, config.deadLetterQueueUrl(), config.payloadStore());
    Settlement settlement =
        new Settlement(
            RetryPolicy.immediate(),
            config.nonRetryable(),
            clock,
            invocation,
            config.timeoutMargin(),
            null);
    if (config.batchHandler() != null) {
      runBatch(leases, settlement);
    } else if (fifo) {
      runByGroup(leases, settlement, leaseEnd);
    } else {
      Workers.run(
          leases.size(), config.concurrency(), i -> run(leases.get(i), settlement, leaseEnd));
    }
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    for (Lease lease : leases) {
      if (invocation.failed(lease.messageId())) {
        failures.add(new SQSBatchResponse.BatchItemFailure(lease.messageId()));
      }
    }
    if (config.deletePayloads() && config.payloadStore() != null) {
      new HandledPayloads(config.sqs(), config.payloadStore(), config.concurrency())
          .delete(invocation.succeeded());
    }
    return new SQSBatchResponse(failures);
  }

  private QueueFacts queue(String arn, long remaining) {
    return queues.computeIfAbsent(
        arn,
        a ->
            QueueFacts.read(
                config.sqs(), a, config.visibilityTimeout(), config.maxReceiveCount(), remaining));
  }

  /** FIFO: groups in parallel; in a group, records in order until one fails (the rest wait). */
  private void runByGroup(List<Lease> leases, Settlement settlement, long leaseEnd) {
    Map<String, List<Lease>> groups = new LinkedHashMap<>();
    leases.forEach(
        lease ->
            groups
                .computeIfAbsent(
                    lease.received().messageGroupId().orElse(""), g -> new ArrayList<>())
                .add(lease));
    List<List<Lease>> ordered = new ArrayList<>(groups.values());
    Workers.run(
        ordered.size(),
        config.concurrency(),
        g -> ordered.get(g).forEach(lease -> run(lease, settlement, leaseEnd)));
  }

  /**
   * One record: not started once the margin before the invocation's end began, or when its FIFO
   * group is held; otherwise resolved, handled and settled.
   */
  private void run(Lease lease, Settlement settlement, long leaseEnd) {
    if (!settlement.mayStart(lease, clock.millis())) {
      settlement.notStarted(lease);
      return;
    }
    Lease resolved;
    try {
      resolved = resolved(lease);
    } catch (RuntimeException e) {
      settlement.settle(lease, e);
      return;
    }
    settlement.settle(resolved, invoke(resolved, leaseEnd));
  }

  /**
   * The record with its payload, for an offloaded one (the store's allow-list applies); with {@code
   * snsEnvelopes}, an SNS notification unwrapped first.
   */
  private Lease resolved(Lease lease) {
    Message raw = lease.message();
    String queueUrl = lease.received().queueUrl();
    boolean changed = false;
    if (config.snsEnvelopes()) {
      Optional<Message> unwrapped = SnsNotification.unwrap(raw, queueUrl);
      changed = unwrapped.isPresent();
      raw = unwrapped.orElse(raw);
    }
    if (ExtendedMessages.isOffloaded(raw)) {
      if (config.payloadStore() == null) {
        throw new IllegalStateException(
            "message "
                + raw.messageId()
                + " is offloaded (it carries a payload pointer) but no payloadStore is configured");
      }
      raw = ExtendedMessages.resolve(raw, config.payloadStore());
      changed = true;
    }
    if (!changed) {
      return lease;
    }
    ReceivedMessage message =
        new ReceivedMessage(
            raw,
            queueUrl,
            lease.received().maxReceiveCount().isPresent()
                ? lease.received().maxReceiveCount().getAsInt()
                : null,
            lease.received().deadline().orElse(null));
    return new Lease(message, lease.receivedAtMillis(), lease.deadlineMillis());
  }

  /**
   * Runs the handler and waits for it until {@code leaseEnd} (the invocation's end less the margin:
   * a response after the end is never delivered); its error, or null when it succeeded.
   */
  private Throwable invoke(Lease lease, long leaseEnd) {
    try {
      var stage = config.handler().handle(lease.received());
      if (stage == null) {
        return new NullPointerException("handler returned null");
      }
      if (leaseEnd == Long.MAX_VALUE) {
        stage.toCompletableFuture().get();
      } else {
        long left = Math.max(1, leaseEnd - clock.millis());
        stage.toCompletableFuture().get(left, TimeUnit.MILLISECONDS);
      }
      return null;
    } catch (ExecutionException e) {
      return e.getCause() == null ? e : e.getCause();
    } catch (TimeoutException e) {
      return new TimeoutException(
          "the handler did not complete before the invocation's end less the margin of "
              + config.timeoutMargin());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    } catch (Exception | Error e) {
      return e;
    }
  }

  /**
   * Batch handler: one call with every record that resolved and may start; each record settled in
   * the event's order, so a failed FIFO record holds its group's later ones even when they
   * succeeded.
   */
  private void runBatch(List<Lease> leases, Settlement settlement) {
    List<Lease> ready = new ArrayList<>();
    Map<String, Throwable> unresolved = new LinkedHashMap<>();
    long now = clock.millis();
    for (Lease lease : leases) {
      if (!settlement.mayStart(lease, now)) {
        continue;
      }
      try {
        ready.add(resolved(lease));
      } catch (RuntimeException e) {
        unresolved.put(lease.messageId(), e);
      }
    }
    BatchOutcome outcome = null;
    Throwable thrown = null;
    if (!ready.isEmpty()) {
      List<ReceivedMessage> messages = new ArrayList<>(ready.size());
      ready.forEach(lease -> messages.add(lease.received()));
      try {
        outcome = config.batchHandler().handle(messages);
      } catch (Exception | Error e) {
        thrown = e;
      }
    }
    Map<String, Lease> ran = new LinkedHashMap<>();
    ready.forEach(lease -> ran.put(lease.messageId(), lease));
    for (Lease lease : leases) {
      Lease handled = ran.get(lease.messageId());
      if (handled != null) {
        Throwable error =
            thrown != null
                ? thrown
                : outcome == null ? null : outcome.failureOf(lease.messageId()).orElse(null);
        settlement.settle(handled, error);
      } else if (unresolved.containsKey(lease.messageId())) {
        settlement.settle(lease, unresolved.get(lease.messageId()));
      } else {
        settlement.notStarted(lease);
      }
    }
  }
}
