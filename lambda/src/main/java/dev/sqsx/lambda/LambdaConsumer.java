package dev.sqsx.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sqsx.consumer.BatchOutcome;
import dev.sqsx.consumer.DeadLetterRequest;
import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.extended.ExtendedMessages;
import dev.sqsx.extended.SnsNotification;
import dev.sqsx.lambda.internal.QueueFacts;
import dev.sqsx.lambda.internal.Records;
import dev.sqsx.lambda.internal.Workers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

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
 *       alone. Payloads are deleted after success only with {@code deletePayloads(true)}.
 *   <li>A failure is reported in {@code batchItemFailures} (the record comes back after its
 *       visibility timeout; the queue's redrive policy dead-letters it after {@code
 *       maxReceiveCount} receives). A non-retryable failure ({@code NonRetryableException}, a
 *       malformed, not allowed or corrupted pointer, or what {@code nonRetryable} says) goes to the
 *       configured DLQ at once with sqsx's reason attributes and is reported done, so the mapping
 *       deletes it; without a DLQ (or when the send fails) it is reported failed.
 *   <li>Each message carries the invocation's end as {@link ReceivedMessage#deadline()}: a record
 *       not started {@code timeoutMargin} before it is reported failed, not run; {@code
 *       IdempotentHandler} keeps its lease within it.
 * </ul>
 *
 * <p>Thread-safe; one instance serves every invocation of a function. Logs carry queue and message
 * ids, never bodies.
 */
public final class LambdaConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(LambdaConsumer.class);

  private final LambdaConfig config;
  private final Map<String, QueueFacts> queues = new ConcurrentHashMap<>();

  LambdaConsumer(LambdaConfig config) {
    this.config = config;
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
    long remaining = context == null ? -1 : context.getRemainingTimeInMillis();
    Instant deadline = remaining < 0 ? null : Instant.now().plusMillis(remaining);
    List<Item> batch = new ArrayList<>(records.size());
    for (SQSEvent.SQSMessage record : records) {
      String arn = record.getEventSourceArn();
      QueueFacts queue =
          queues.computeIfAbsent(
              arn,
              a ->
                  QueueFacts.read(
                      config.sqs(),
                      a,
                      config.visibilityTimeout(),
                      config.maxReceiveCount(),
                      remaining));
      batch.add(new Item(Records.toMessage(record), queue, arn.endsWith(".fifo")));
    }
    Set<String> failed = ConcurrentHashMap.newKeySet();
    if (config.batchHandler() != null) {
      runBatch(batch, deadline, failed);
    } else if (batch.get(0).fifo()) {
      runByGroup(batch, deadline, failed);
    } else {
      Workers.run(
          batch.size(),
          config.concurrency(),
          i -> {
            if (!run(batch.get(i), deadline)) {
              failed.add(batch.get(i).id());
            }
          });
    }
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    for (Item record : batch) {
      if (failed.contains(record.id())) {
        failures.add(new SQSBatchResponse.BatchItemFailure(record.id()));
      }
    }
    return new SQSBatchResponse(failures);
  }

  /** A record of the event, as an SDK message, with its queue. */
  private record Item(Message raw, QueueFacts queue, boolean fifo) {
    String id() {
      return raw.messageId();
    }

    String group() {
      return raw.attributes().getOrDefault(MessageSystemAttributeName.MESSAGE_GROUP_ID, "");
    }
  }

  /** FIFO: groups in parallel; in a group, records in order until the first failure. */
  private void runByGroup(List<Item> batch, Instant deadline, Set<String> failed) {
    Map<String, List<Item>> groups = new LinkedHashMap<>();
    batch.forEach(
        record -> groups.computeIfAbsent(record.group(), g -> new ArrayList<>()).add(record));
    List<List<Item>> ordered = new ArrayList<>(groups.values());
    Workers.run(
        ordered.size(),
        config.concurrency(),
        g -> {
          List<Item> group = ordered.get(g);
          for (int i = 0; i < group.size(); i++) {
            if (!run(group.get(i), deadline)) {
              for (Item rest : group.subList(i, group.size())) {
                failed.add(rest.id());
              }
              if (i + 1 < group.size()) {
                LOG.info(
                    "message {} of FIFO group failed: its {} later message(s) in this batch are"
                        + " reported failed without running, to keep the group's order",
                    group.get(i).id(),
                    group.size() - i - 1);
              }
              return;
            }
          }
        });
  }

  /** One record, resolved and handled; true when done (handled, or dead-lettered). */
  private boolean run(Item record, Instant deadline) {
    ReceivedMessage raw = received(record, record.raw(), deadline);
    if (deadline != null && Instant.now().isAfter(deadline.minus(config.timeoutMargin()))) {
      LOG.warn(
          "message {} from {} not started: less than {} of the invocation left; reported failed",
          record.id(),
          record.queue().queueUrl(),
          config.timeoutMargin());
      return false;
    }
    ReceivedMessage message;
    try {
      message = received(record, resolve(record), deadline);
    } catch (RuntimeException e) {
      return failed(raw, e);
    }
    Throwable error = invoke(message, deadline);
    if (error != null) {
      return failed(message, error);
    }
    deletePayload(message);
    return true;
  }

  private ReceivedMessage received(Item record, Message message, Instant deadline) {
    return new ReceivedMessage(
        message, record.queue().queueUrl(), record.queue().maxReceiveCount(), deadline);
  }

  /**
   * The message with its payload, for an offloaded one (the store's allow-list applies); with
   * {@code snsEnvelopes}, an SNS notification unwrapped first.
   */
  private Message resolve(Item record) {
    Message raw = record.raw();
    if (config.snsEnvelopes()) {
      raw = SnsNotification.unwrap(raw, record.queue().queueUrl()).orElse(raw);
    }
    if (!ExtendedMessages.isOffloaded(raw)) {
      return raw;
    }
    if (config.payloadStore() == null) {
      throw new IllegalStateException(
          "message "
              + raw.messageId()
              + " is offloaded (it carries a payload pointer) but no payloadStore is configured");
    }
    return ExtendedMessages.resolve(raw, config.payloadStore());
  }

  /** Runs the handler; its error, or null when it succeeded. */
  private Throwable invoke(ReceivedMessage message, Instant deadline) {
    try {
      var stage = config.handler().handle(message);
      if (stage == null) {
        return new NullPointerException("handler returned null");
      }
      if (deadline == null) {
        stage.toCompletableFuture().get();
      } else {
        long left = Math.max(1, deadline.toEpochMilli() - System.currentTimeMillis());
        stage.toCompletableFuture().get(left, TimeUnit.MILLISECONDS);
      }
      return null;
    } catch (ExecutionException e) {
      return e.getCause() == null ? e : e.getCause();
    } catch (TimeoutException e) {
      return new TimeoutException("the handler did not complete before the invocation's end");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    } catch (Exception | Error e) {
      return e;
    }
  }

  /** Batch handler: one call with every resolved record; an outcome per message. */
  private void runBatch(List<Item> batch, Instant deadline, Set<String> failed) {
    List<ReceivedMessage> resolved = new ArrayList<>();
    for (Item record : batch) {
      try {
        resolved.add(received(record, resolve(record), deadline));
      } catch (RuntimeException e) {
        if (!failed(received(record, record.raw(), deadline), e)) {
          failed.add(record.id());
        }
      }
    }
    BatchOutcome outcome;
    Throwable thrown = null;
    try {
      outcome = config.batchHandler().handle(resolved);
    } catch (Exception | Error e) {
      outcome = null;
      thrown = e;
    }
    for (ReceivedMessage message : resolved) {
      Throwable error =
          thrown != null
              ? thrown
              : outcome == null ? null : outcome.failureOf(message.messageId()).orElse(null);
      if (error == null) {
        deletePayload(message);
      } else if (!failed(message, error)) {
        failed.add(message.messageId());
      }
    }
    if (!batch.isEmpty() && batch.get(0).fifo()) {
      // Keep each group's order in the report: after a failed record, its group's later ones fail.
      Set<String> failedGroups = new java.util.HashSet<>();
      for (Item record : batch) {
        if (failedGroups.contains(record.group())) {
          failed.add(record.id());
        } else if (failed.contains(record.id())) {
          failedGroups.add(record.group());
        }
      }
    }
  }

  /**
   * Settles a failure: a non-retryable one goes to the DLQ when one is configured (true: done);
   * otherwise it is reported failed (false).
   */
  private boolean failed(ReceivedMessage message, Throwable error) {
    boolean nonRetryable = config.nonRetryable().test(error);
    if (nonRetryable && config.deadLetterQueueUrl() != null && config.sqs() != null) {
      try {
        config.sqs().sendMessage(DeadLetterRequest.of(message, error, config.deadLetterQueueUrl()));
        LOG.warn(
            "message {} from {} failed for good ({}): sent to DLQ {}",
            message.messageId(),
            message.queueUrl(),
            error.toString(),
            config.deadLetterQueueUrl());
        return true;
      } catch (RuntimeException e) {
        LOG.error(
            "message {} from {} could not be sent to DLQ {} ({}); reported failed",
            message.messageId(),
            message.queueUrl(),
            config.deadLetterQueueUrl(),
            e.toString());
        return false;
      }
    }
    LOG.warn(
        "message {} from {} failed (attempt {}{}): {}; reported failed",
        message.messageId(),
        message.queueUrl(),
        message.attempt(),
        nonRetryable ? ", not retryable, no DLQ configured" : "",
        error.toString());
    return false;
  }

  /** With {@code deletePayloads}, deletes a handled message's payload (failures are logged). */
  private void deletePayload(ReceivedMessage message) {
    if (!config.deletePayloads()
        || config.payloadStore() == null
        || message.snsTopicArn().isPresent()) {
      return; // a payload that came through SNS is shared with the other subscriptions
    }
    ExtendedMessages.embeddedPointer(message.sdkMessage().receiptHandle())
        .ifPresent(
            pointer -> {
              try {
                config.payloadStore().delete(pointer);
              } catch (RuntimeException e) {
                LOG.warn(
                    "message {} handled, but its payload {} could not be deleted: {}",
                    message.messageId(),
                    pointer,
                    e.toString());
              }
            });
  }
}
