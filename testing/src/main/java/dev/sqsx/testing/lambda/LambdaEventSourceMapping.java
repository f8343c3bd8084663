/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A local stand-in for Lambda's SQS event source mapping, for tests against real (embedded) SQS: it
 * long-polls the queue, builds the {@link SQSEvent} as the Lambda service delivers it (the JSON
 * document of {@link SqsEventJson}, read by the Java runtime's own deserializer), invokes the
 * handler with a {@code Context} whose remaining time counts down from the function timeout, and
 * settles the batch as the mapping does with {@code ReportBatchItemFailures}:
 *
 * <ul>
 *   <li>the records not reported in {@code batchItemFailures} are deleted;
 *   <li>the reported ones are left alone: they come back after their visibility timeout, and the
 *       queue's redrive policy moves them to its DLQ after {@code maxReceiveCount} receives;
 *   <li>a handler that throws, or a response naming a record that is not in the batch (or an empty
 *       identifier), fails the whole batch: nothing is deleted;
 *   <li>a handler that returns (or throws) after the function timeout has timed out: as in Lambda,
 *       no response is taken and nothing is deleted, so every record of the batch comes back after
 *       its visibility timeout ({@link Invocation#timedOut()}).
 * </ul>
 *
 * <p>Unlike Lambda, the harness cannot stop a function at its timeout: what the function does after
 * it (effects, deletes) still happens, so a test that needs the stop models it in its handler (e.g.
 * a hung call that throws instead of carrying on).
 *
 * <pre>{@code
 * LambdaEventSourceMapping mapping = LambdaEventSourceMapping.builder()
 *     .sqsClient(sqs).queueUrl(url).handler(new OrderFunction()).batchSize(10).build();
 * mapping.runUntil(() -> processed.get() == 20, Duration.ofSeconds(30));
 * }</pre>
 *
 * <p>Needs {@code aws-lambda-java-core}, {@code aws-lambda-java-events} and {@code
 * aws-lambda-java-serialization} on the test class path. Not thread-safe: one poll at a time.
 */
public final class LambdaEventSourceMapping {

  private static final Logger LOG = LoggerFactory.getLogger(LambdaEventSourceMapping.class);

  private final SqsClient sqs;
  private final String queueUrl;
  private final RequestHandler<SQSEvent, SQSBatchResponse> handler;
  private final int batchSize;
  private final Duration functionTimeout;
  private final int waitTimeSeconds;
  private final String queueArn;
  private final String region;
  private final PojoSerializer<SQSEvent> serializer =
      LambdaEventSerializers.serializerFor(
          SQSEvent.class, LambdaEventSourceMapping.class.getClassLoader());

  private LambdaEventSourceMapping(Builder builder) {
    this.sqs = builder.sqs;
    this.queueUrl = builder.queueUrl;
    this.handler = builder.handler;
    this.batchSize = builder.batchSize;
    this.functionTimeout = builder.functionTimeout;
    this.waitTimeSeconds = builder.waitTimeSeconds;
    this.queueArn =
        sqs.getQueueAttributes(
                r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String[] arn = queueArn.split(":", -1);
    this.region = arn.length > 3 ? arn[3] : "us-east-1";
  }

  /** A builder; {@code sqsClient}, {@code queueUrl} and {@code handler} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The queue's ARN, as every record's {@code eventSourceARN} carries it. */
  public String queueArn() {
    return queueArn;
  }

  /**
   * One poll: receives up to {@code batchSize} messages (a long poll of {@code waitTime}); when
   * there are any, invokes the handler once and settles the batch.
   *
   * @return what happened, or an invocation with no records when the poll returned nothing
   */
  public Invocation poll() {
    List<Message> messages =
        sqs.receiveMessage(
                r ->
                    r.queueUrl(queueUrl)
                        .maxNumberOfMessages(batchSize)
                        .waitTimeSeconds(waitTimeSeconds)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                        .messageAttributeNames("All"))
            .messages();
    if (messages.isEmpty()) {
      return new Invocation(List.of(), Set.of(), Set.of(), null, false);
    }
    List<String> ids = new ArrayList<>();
    messages.forEach(message -> ids.add(message.messageId()));
    SQSEvent event = serializer.fromJson(SqsEventJson.of(messages, queueArn, region));
    HarnessContext context = new HarnessContext("sqsx-harness", functionTimeout.toMillis());
    SQSBatchResponse response;
    try {
      response = handler.handleRequest(event, context);
    } catch (RuntimeException | Error e) {
      if (context.timedOut()) {
        return timedOut(ids, e);
      }
      LOG.info(
          "invocation failed as a whole ({}): none of its {} records is deleted", e, ids.size());
      return new Invocation(ids, new LinkedHashSet<>(ids), Set.of(), e, false);
    }
    if (context.timedOut()) {
      return timedOut(ids, null);
    }
    Set<String> failed = failures(response, ids);
    Set<String> deleted = new LinkedHashSet<>();
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
    for (Message message : messages) {
      if (!failed.contains(message.messageId())) {
        entries.add(
            DeleteMessageBatchRequestEntry.builder()
                .id(Integer.toString(entries.size()))
                .receiptHandle(message.receiptHandle())
                .build());
        deleted.add(message.messageId());
      }
    }
    if (!entries.isEmpty()) {
      sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
    }
    return new Invocation(ids, failed, deleted, null, false);
  }

  /** The function ran past its timeout: Lambda takes no response, so nothing is deleted. */
  private Invocation timedOut(List<String> ids, Throwable thrown) {
    LOG.info(
        "invocation timed out (function timeout {}): no response, none of its {} records is"
            + " deleted",
        functionTimeout,
        ids.size());
    return new Invocation(ids, new LinkedHashSet<>(ids), Set.of(), thrown, true);
  }

  /** The reported failures; every record when the response names one not in the batch. */
  private static Set<String> failures(SQSBatchResponse response, List<String> ids) {
    if (response == null || response.getBatchItemFailures() == null) {
      return Set.of();
    }
    Set<String> failed = new LinkedHashSet<>();
    Set<String> inBatch = new HashSet<>(ids);
    for (SQSBatchResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
      String id = failure == null ? null : failure.getItemIdentifier();
      if (id == null || id.isEmpty() || !inBatch.contains(id)) {
        LOG.info("response names record '{}', not in the batch: the whole batch failed", id);
        return new LinkedHashSet<>(ids);
      }
      failed.add(id);
    }
    return failed;
  }

  /**
   * Polls until {@code done} holds (checked after each poll), at most {@code timeout}.
   *
   * @return the invocations made (polls that returned nothing are left out)
   * @throws AssertionError when {@code done} does not hold within {@code timeout}
   */
  public List<Invocation> runUntil(BooleanSupplier done, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    List<Invocation> invocations = new ArrayList<>();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "the event source mapping of "
                + queueUrl
                + " did not reach the expected state within "
                + timeout
                + " ("
                + invocations.size()
                + " invocations)");
      }
      Invocation invocation = poll();
      if (!invocation.records().isEmpty()) {
        invocations.add(invocation);
      }
    }
    return invocations;
  }

  /**
   * One invocation: the batch's message ids in delivery order, those that failed (left for
   * redelivery: every record when the handler threw or timed out), those deleted, what the handler
   * threw, if it threw, and whether it returned (or threw) after the function timeout.
   */
  public record Invocation(
      List<String> records,
      Set<String> failed,
      Set<String> deleted,
      Throwable thrown,
      boolean timedOut) {}

  /** Builds a {@link LambdaEventSourceMapping}; not thread-safe. */
  public static final class Builder {
    private SqsClient sqs;
    private String queueUrl;
    private RequestHandler<SQSEvent, SQSBatchResponse> handler;
    private int batchSize = 10;
    private Duration functionTimeout = Duration.ofSeconds(30);
    private int waitTimeSeconds = 1;

    private Builder() {}

    /** The client polling and deleting, as the mapping's. Required. */
    public Builder sqsClient(SqsClient sqs) {
      this.sqs = sqs;
      return this;
    }

    /** The queue the mapping reads. Required. */
    public Builder queueUrl(String queueUrl) {
      this.queueUrl = queueUrl;
      return this;
    }

    /** The function's handler. Required. */
    public Builder handler(RequestHandler<SQSEvent, SQSBatchResponse> handler) {
      this.handler = handler;
      return this;
    }

    /** Records per invocation: 1..10 (one receive), default 10. */
    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /**
     * The function timeout the context counts down from, after which an invocation that has not
     * returned has timed out (nothing deleted): default 30 s.
     */
    public Builder functionTimeout(Duration functionTimeout) {
      this.functionTimeout = functionTimeout;
      return this;
    }

    /** Long-poll wait of each receive: 0..20 s, default 1 s. */
    public Builder waitTime(Duration waitTime) {
      this.waitTimeSeconds = (int) waitTime.toSeconds();
      return this;
    }

    /**
     * Validates and builds the mapping (one {@code GetQueueAttributes} for the queue's ARN).
     *
     * @throws IllegalArgumentException naming the option when one is invalid
     */
    public LambdaEventSourceMapping build() {
      Objects.requireNonNull(sqs, "sqsClient cannot be null");
      Objects.requireNonNull(queueUrl, "queueUrl cannot be null");
      Objects.requireNonNull(handler, "handler cannot be null");
      if (batchSize < 1 || batchSize > 10) {
        throw new IllegalArgumentException(
            "batchSize must be 1..10 (one receive per invocation), was " + batchSize);
      }
      if (functionTimeout == null || functionTimeout.isNegative() || functionTimeout.isZero()) {
        throw new IllegalArgumentException(
            "functionTimeout must be positive, was " + functionTimeout);
      }
      if (waitTimeSeconds < 0 || waitTimeSeconds > 20) {
        throw new IllegalArgumentException(
            "waitTime must be 0..20 s, was " + waitTimeSeconds + " s");
      }
      return new LambdaEventSourceMapping(this);
    }
  }
}
