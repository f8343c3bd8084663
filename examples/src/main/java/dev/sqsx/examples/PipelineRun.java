/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples;

import dev.sqsx.consumer.MessageHandler;
import dev.sqsx.consumer.NonRetryableException;
import dev.sqsx.consumer.PayloadFailureBridge;
import dev.sqsx.consumer.RetryPolicy;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.consumer.SqsConsumerBuilder;
import dev.sqsx.extended.DynamoDbPayloadStore;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.extended.TieredPayloadStore;
import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.idempotency.IdempotencyKey;
import dev.sqsx.idempotency.IdempotencyStats;
import dev.sqsx.idempotency.IdempotentHandler;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.QueueWithDlq;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** One run of the order pipeline demo: set up, produce, consume, check the invariants, report. */
final class PipelineRun {
  private static final int ONE_MIB = 1024 * 1024;

  private final DemoOptions options;
  private final AwsEndpoints endpoints;
  private final String where;
  private final PrintStream out;
  private final RequestCounter sqsRequests = new RequestCounter();
  private final RequestCounter s3Requests = new RequestCounter();
  private final RequestCounter payloadDbRequests = new RequestCounter();
  private final RequestCounter idempotencyDbRequests = new RequestCounter();
  private final Map<Integer, Integer> effects = new ConcurrentHashMap<>();
  private final Set<Integer> failedOnce = ConcurrentHashMap.newKeySet();
  private final LongAdder transientFailures = new LongAdder();
  private DemoTracing tracing;

  PipelineRun(DemoOptions options, AwsEndpoints endpoints, String where, PrintStream out) {
    this.options = options;
    this.endpoints = endpoints;
    this.where = where;
    this.out = out;
  }

  int execute() {
    try (SqsClient sqs = endpoints.newSqsClient();
        S3Client s3 = endpoints.newS3Client();
        DynamoDbClient admin = endpoints.newDynamoDbClient();
        SqsAsyncClient sqsAsync =
            endpoints
                .configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint())
                .overrideConfiguration(c -> c.addExecutionInterceptor(sqsRequests))
                .build();
        S3AsyncClient s3Async =
            endpoints
                .configure(S3AsyncClient.builder(), endpoints.s3Endpoint())
                .forcePathStyle(endpoints.s3Endpoint().isPresent())
                .overrideConfiguration(c -> c.addExecutionInterceptor(s3Requests))
                .build();
        DynamoDbAsyncClient payloadDb =
            endpoints
                .configure(DynamoDbAsyncClient.builder(), endpoints.dynamoDbEndpoint())
                .overrideConfiguration(c -> c.addExecutionInterceptor(payloadDbRequests))
                .build();
        DynamoDbClient idempotencyDb =
            endpoints
                .configure(DynamoDbClient.builder(), endpoints.dynamoDbEndpoint())
                .overrideConfiguration(c -> c.addExecutionInterceptor(idempotencyDbRequests))
                .build();
        AwsResources resources =
            new AwsResources(sqs, s3, admin, endpoints.region(), "sqsx-demo")) {
      QueueWithDlq queue = resources.createQueueWithDlq(4, Duration.ofSeconds(10));
      String bucket = resources.createBucket();
      String payloadTable = resources.uniqueName("payloads");
      String idempotencyTable = resources.uniqueName("idempotency");
      DynamoDbPayloadStore.createTable(admin, payloadTable);
      DynamoDbIdempotencyStore.createTable(admin, idempotencyTable);
      tracing = options.traces() ? new DemoTracing() : null;
      try {
        return pipeline(
            sqs,
            s3,
            admin,
            sqsAsync,
            s3Async,
            payloadDb,
            idempotencyDb,
            queue,
            bucket,
            payloadTable,
            idempotencyTable);
      } finally {
        if (tracing != null) {
          tracing.close();
        }
        admin.deleteTable(r -> r.tableName(payloadTable));
        admin.deleteTable(r -> r.tableName(idempotencyTable));
      }
    }
  }

  private int pipeline(
      SqsClient sqs,
      S3Client s3,
      DynamoDbClient admin,
      SqsAsyncClient sqsAsync,
      S3AsyncClient s3Async,
      DynamoDbAsyncClient payloadDb,
      DynamoDbClient idempotencyDb,
      QueueWithDlq queue,
      String bucket,
      String payloadTable,
      String idempotencyTable) {
    PayloadFailureBridge payloadFailures = new PayloadFailureBridge();
    SqsExtendedAsyncClient.Builder extendedBuilder =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(
                TieredPayloadStore.builder()
                    .tier(
                        ONE_MIB,
                        DynamoDbPayloadStore.builder()
                            .dynamoDbAsyncClient(payloadDb)
                            .table(payloadTable)
                            .build())
                    .otherwise(
                        S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
                    .build())
            .resolutionListener(payloadFailures);
    if (tracing != null) {
      extendedBuilder.attributeInjector(tracing.tracing());
    }
    SqsExtendedAsyncClient extended = extendedBuilder.build();
    IdempotentHandler idempotent =
        IdempotentHandler.builder()
            .store(DynamoDbIdempotencyStore.create(idempotencyDb, idempotencyTable))
            .namespace("orders")
            .key(IdempotencyKey.jsonField("/orderId"))
            .lease(Duration.ofSeconds(30))
            .handler(this::applyHeld)
            .build();
    MessageHandler handler = options.idempotency() ? idempotent : this::applyOrder;

    out.printf(
        "order pipeline on %s: %,d orders, %d consumer(s) x %d handlers%s%n",
        where,
        options.messages(),
        options.consumers(),
        options.concurrency(),
        options.idempotency() ? "" : ", WITHOUT idempotency");
    long sendStarted = System.nanoTime();
    Sent sent = produce(extended, queue.queueUrl());
    double sendSeconds = (System.nanoTime() - sendStarted) / 1e9;
    out.printf("sent %,d messages in %.1f s; consuming...%n", sent.messages(), sendSeconds);
    long started = System.nanoTime();
    List<SqsConsumer> consumers = new ArrayList<>();
    for (int i = 0; i < options.consumers(); i++) {
      SqsConsumerBuilder consumerBuilder =
          SqsConsumer.builder()
              .sqsClient(extended)
              .queueUrl(queue.queueUrl())
              .concurrency(options.concurrency())
              .waitTime(Duration.ofSeconds(2))
              .retryPolicy(
                  RetryPolicy.exponential(Duration.ofMillis(500), 2.0, Duration.ofSeconds(5)))
              .payloadFailures(payloadFailures)
              .handler(handler);
      if (tracing != null) {
        consumerBuilder.observer(tracing.tracing());
      }
      SqsConsumer consumer = consumerBuilder.build();
      consumer.start();
      consumers.add(consumer);
    }
    Progress progress = new Progress(out, sent.messages(), () -> QueueChecks.settled(consumers));
    progress.start();
    long deadline = System.nanoTime() + options.timeout().toNanos();
    while (QueueChecks.settled(consumers) < sent.messages() && System.nanoTime() < deadline) {
      QueueChecks.sleep(100);
    }
    progress.stop();
    double elapsed = (System.nanoTime() - started) / 1e9;
    consumers.forEach(SqsConsumer::close);

    QueueChecks.DeadLetters dead = QueueChecks.readDeadLetters(sqs, queue.dlqUrl());
    long leftoverPayloads =
        s3.listObjectsV2(r -> r.bucket(bucket)).keyCount()
            + QueueChecks.manifests(admin, payloadTable);
    long messagesLeft = QueueChecks.messagesLeft(sqs, queue.queueUrl());
    Set<Integer> poison = new HashSet<>();
    for (int order = 0; order < options.messages(); order++) {
      if (Orders.poison(order)) {
        poison.add(order);
      }
    }
    List<String> violations =
        PipelineInvariants.violations(
            new PipelineInvariants.Outcome(
                options.messages(),
                effects,
                dead.orders(),
                poison,
                leftoverPayloads,
                dead.pointers(),
                messagesLeft));
    report(sent, sendSeconds, consumers, idempotent.stats(), dead, elapsed, violations);
    return violations.isEmpty() ? 0 : 1;
  }

  /** The handler's side effect: apply the order once (or fail as the scenario says). */
  private void applyOrder(dev.sqsx.consumer.ReceivedMessage message) {
    String body = message.body();
    int order = Orders.idOf(body);
    if (Orders.amountOf(body) < 0) {
      throw new NonRetryableException("order " + order + " has a negative amount");
    }
    if (Orders.failsOnce(order) && failedOnce.add(order)) {
      transientFailures.increment();
      throw new IllegalStateException("payment gateway timed out (simulated) for order " + order);
    }
    effects.merge(order, 1, Integer::sum);
  }

  private String applyHeld(
      dev.sqsx.consumer.ReceivedMessage message, dev.sqsx.idempotency.IdempotencyLease lease) {
    applyOrder(message);
    return null;
  }

  private record Sent(int messages, int duplicates, int toS3, int toDynamoDb) {}

  private Sent produce(SqsExtendedAsyncClient sqs, String queueUrl) {
    List<Integer> deliveries = new ArrayList<>();
    int duplicates = 0;
    int toS3 = 0;
    int toDynamo = 0;
    for (int order = 0; order < options.messages(); order++) {
      deliveries.add(order);
      if (Orders.duplicated(order)) {
        deliveries.add(order);
        duplicates++;
      }
    }
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    for (int from = 0; from < deliveries.size(); from += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = from; i < Math.min(deliveries.size(), from + 10); i++) {
        int order = deliveries.get(i);
        toS3 += Orders.s3Sized(order) ? 1 : 0;
        toDynamo += Orders.dynamoSized(order) ? 1 : 0;
        entries.add(
            SendMessageBatchRequestEntry.builder()
                .id("d" + i)
                .messageBody(Orders.body(order, options.seed()))
                .build());
      }
      inFlight.add(
          sendBatch(sqs, queueUrl, entries)
              .thenAccept(
                  response -> {
                    if (!response.failed().isEmpty()) {
                      throw new IllegalStateException("send failed: " + response.failed());
                    }
                  }));
      if (inFlight.size() >= 8) {
        inFlight.remove(0).join();
      }
    }
    inFlight.forEach(CompletableFuture::join);
    return new Sent(deliveries.size(), duplicates, toS3, toDynamo);
  }

  /** One batch; with {@code --traces} inside a "send orders" span, the parent of their traces. */
  @SuppressWarnings("try") // the scope makes the span current for the send
  private CompletableFuture<software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse>
      sendBatch(
          SqsExtendedAsyncClient sqs, String queueUrl, List<SendMessageBatchRequestEntry> entries) {
    if (tracing == null) {
      return sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
    }
    io.opentelemetry.api.trace.Span span =
        tracing
            .tracer()
            .spanBuilder("send orders")
            .setSpanKind(io.opentelemetry.api.trace.SpanKind.PRODUCER)
            .startSpan();
    try (io.opentelemetry.context.Scope scope = span.makeCurrent()) {
      return sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries))
          .whenComplete((response, error) -> span.end());
    }
  }

  private void report(
      Sent sent,
      double sendSeconds,
      List<SqsConsumer> consumers,
      IdempotencyStats idempotency,
      QueueChecks.DeadLetters dead,
      double elapsed,
      List<String> violations) {
    long failed = consumers.stream().mapToLong(c -> c.stats().failed()).sum();
    long deadLettered = consumers.stream().mapToLong(c -> c.stats().deadLettered()).sum();
    long applied = effects.values().stream().filter(count -> count >= 1).count();
    long appliedTwice = effects.values().stream().filter(count -> count > 1).count();
    out.println();
    out.printf(
        "sent           %,d messages: %,d orders + %,d duplicates%n",
        sent.messages(), options.messages(), sent.duplicates());
    out.printf(
        "offloaded      %,d to S3 (over 1 MiB), %,d to DynamoDB (256 KiB to 1 MiB); pointers on the wire, SHA-256 checked on read%n",
        sent.toS3(), sent.toDynamoDb());
    out.printf(
        "inline         %,d under the queue's MaximumMessageSize (the auto threshold; ElasticMQ keeps no MaximumMessageSize, so 262,144)%n",
        sent.messages() - sent.toS3() - sent.toDynamoDb());
    out.printf(
        "handled        %,d orders applied%s%n",
        applied,
        appliedTwice == 0 ? ", each once" : ", " + appliedTwice + " of them MORE THAN ONCE");
    if (options.idempotency()) {
      out.printf(
          "duplicates     %,d suppressed by the idempotency store (%,d already completed, %,d in progress elsewhere and redelivered)%n",
          idempotency.duplicatesSuppressed() + idempotency.inProgressDuplicates(),
          idempotency.duplicatesSuppressed(),
          idempotency.inProgressDuplicates());
    } else {
      out.println("duplicates     not suppressed: --no-idempotency");
    }
    out.printf(
        "retried        %,d transient failure(s) and %,d in-progress duplicate(s), with backoff"
            + " (%,d handler failures in all, poison included)%n",
        transientFailures.sum(), idempotency.inProgressDuplicates(), failed);
    out.printf("dead-lettered  %,d message(s), with reasons:%n", deadLettered);
    dead.reasons()
        .forEach((reason, count) -> out.printf("                 %,d x %s%n", count, reason));
    long messages = sent.messages();
    out.printf(
        "requests       SQS %.2f/message %s%n",
        sqsRequests.total() / (double) messages, sqsRequests.byOperation());
    out.printf(
        "               S3 %.3f/message %s%n",
        s3Requests.total() / (double) messages, s3Requests.byOperation());
    out.printf(
        "               DynamoDB %.2f/message: payloads %s, idempotency %s%n",
        (payloadDbRequests.total() + idempotencyDbRequests.total()) / (double) messages,
        payloadDbRequests.byOperation(),
        idempotencyDbRequests.byOperation());
    for (int i = 0; i < consumers.size(); i++) {
      out.printf("consumer %-5d %s%n", i + 1, consumers.get(i).stats().summary());
    }
    if (tracing != null) {
      tracing.report(out);
    }
    out.printf(
        "elapsed        sending %.1f s (%,.0f messages/s); consuming %.1f s (%,.0f messages/s)%n",
        sendSeconds, messages / sendSeconds, elapsed, messages / elapsed);
    out.println();
    if (violations.isEmpty()) {
      out.println(
          "invariants     HOLD: every order applied exactly once or dead-lettered, nothing lost,"
              + " no payload left behind, queue drained");
    } else {
      out.println("invariants     VIOLATED:");
      violations.forEach(violation -> out.println("                 " + violation));
    }
  }
}
