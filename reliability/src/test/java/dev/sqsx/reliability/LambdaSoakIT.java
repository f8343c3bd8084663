/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.reliability;

import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.reliability.LambdaSoakFunction.Shape;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.lambda.LambdaEventSourceMapping;
import dev.sqsx.testing.lambda.LambdaEventSourceMapping.Invocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The Lambda soak: orders — one in five offloaded to S3 — through {@code LambdaConsumer} behind the
 * local event source mapping (four pollers, batches of 10), with {@code deletePayloads(true)}, an
 * {@code IdempotentHandler} on DynamoDB and an effect ledger; one order in ten fails its first
 * attempt, one in a hundred is poison, and one invocation in twenty runs past its function timeout,
 * so Lambda takes no response and the whole batch comes back (see {@link LambdaSoakFunction}). On a
 * standard queue with a record handler, and on a FIFO queue with a record handler and with a batch
 * handler. See RELIABILITY.md for what each check means.
 *
 * <p>Scaled down by default (500 orders per queue); {@code -Dsqsx.soak=full} (or {@code
 * SQSX_SOAK=full}) runs 5,000; {@code -Dsqsx.soak.messages=N} and {@code -Dsqsx.soak.seed=S}
 * override.
 */
@LocalAws
class LambdaSoakIT {

  private static final boolean FULL =
      "full".equalsIgnoreCase(System.getProperty("sqsx.soak", System.getenv("SQSX_SOAK")));
  private static final int MESSAGES = Integer.getInteger("sqsx.soak.messages", FULL ? 5_000 : 500);
  private static final long SEED = Long.getLong("sqsx.soak.seed", 20_261_201L);
  private static final int POLLERS = 4;
  private static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration VISIBILITY = Duration.ofSeconds(3);
  private static final int MAX_RECEIVE_COUNT = 10;
  private static final Duration TIMEOUT = FULL ? Duration.ofMinutes(30) : Duration.ofMinutes(3);

  @ParameterizedTest(name = "{0}")
  @EnumSource(Shape.class)
  void orders_failuresAndTimedOutInvocations_everyEffectOnce_nothingLost_noDanglingPointer(
      Shape shape,
      AwsEndpoints endpoints,
      AwsResources aws,
      SqsClient sqs,
      S3Client s3,
      DynamoDbClient dynamoDb)
      throws Exception {
    QueueWithDlq queue =
        shape.fifo
            ? aws.createFifoQueueWithDlq(MAX_RECEIVE_COUNT, VISIBILITY)
            : aws.createQueueWithDlq(MAX_RECEIVE_COUNT, VISIBILITY);
    String bucket = aws.createBucket();
    String table = aws.uniqueName("lambda-soak-idempotency");
    DynamoDbIdempotencyStore.createTable(dynamoDb, table);
    LambdaSoakOrders orders = new LambdaSoakOrders(MESSAGES, SEED);
    EffectLedger ledger = new EffectLedger();
    MissingPayloadReads missingReads = new MissingPayloadReads();
    try (S3Client functionS3 =
        endpoints
            .configure(S3Client.builder(), endpoints.s3Endpoint())
            .forcePathStyle(endpoints.s3Endpoint().isPresent())
            .httpClientBuilder(Apache5HttpClient.builder())
            .overrideConfiguration(o -> o.addExecutionInterceptor(missingReads))
            .build()) {
      LambdaSoakFunction function =
          new LambdaSoakFunction(
              shape,
              orders,
              SEED,
              ledger,
              S3PayloadStore.builder().s3Client(functionS3).bucket(bucket).build(),
              sqs,
              queue.dlqUrl(),
              dynamoDb,
              table);
      long started = System.nanoTime();
      List<Invocation> invocations = run(shape, function, queue, bucket, aws, sqs, s3);
      double seconds = (System.nanoTime() - started) / 1e9;

      new LambdaSoakVerdict(shape, orders, ledger, function, missingReads, invocations)
          .check(aws, sqs, s3, dynamoDb, queue, bucket, table, seconds, SEED);
    } finally {
      dynamoDb.deleteTable(r -> r.tableName(table));
    }
  }

  /**
   * Sends the orders while the pollers invoke the function, until the queue is empty (or the run's
   * time is up); returns the invocations that had records.
   */
  private static List<Invocation> run(
      Shape shape,
      LambdaSoakFunction function,
      QueueWithDlq queue,
      String bucket,
      AwsResources aws,
      SqsClient sqs,
      S3Client s3)
      throws Exception {
    Queue<Invocation> invocations = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService threads = Executors.newFixedThreadPool(POLLERS + 1);
    try {
      List<Future<?>> pollers = new ArrayList<>();
      for (int i = 0; i < POLLERS; i++) {
        LambdaEventSourceMapping mapping =
            LambdaEventSourceMapping.builder()
                .sqsClient(sqs)
                .queueUrl(queue.queueUrl())
                .handler(function)
                .batchSize(10)
                .functionTimeout(FUNCTION_TIMEOUT)
                .waitTime(Duration.ofSeconds(1))
                .build();
        pollers.add(
            threads.submit(
                () -> {
                  while (!stop.get()) {
                    Invocation invocation = mapping.poll();
                    if (!invocation.records().isEmpty()) {
                      invocations.add(invocation);
                    }
                  }
                  return null;
                }));
      }
      Future<?> producer =
          threads.submit(() -> produce(shape, queue.queueUrl(), bucket, sqs, s3, MESSAGES));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline
          && !(producer.isDone() && aws.messagesIn(queue.queueUrl()) == 0)) {
        Thread.sleep(200);
      }
      stop.set(true);
      producer.get();
      for (Future<?> poller : pollers) {
        poller.get();
      }
    } finally {
      stop.set(true);
      threads.shutdownNow();
    }
    return List.copyOf(invocations);
  }

  /**
   * Sends every order once, in order, 10 per batch, through the extended client (large bodies to
   * S3). On FIFO, order {@code n} goes to group {@code n % 20}, deduplicated by its id.
   */
  private static Void produce(
      Shape shape, String queueUrl, String bucket, SqsClient sqs, S3Client s3, int messages) {
    Random random = new Random(SEED);
    SqsExtendedClient extended =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
            .payloadSizeThreshold(SoakOrders.THRESHOLD)
            .build();
    for (int first = 0; first < messages; first += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int order = first; order < Math.min(first + 10, messages); order++) {
        String id = SoakOrders.id(order);
        SendMessageBatchRequestEntry.Builder entry =
            SendMessageBatchRequestEntry.builder()
                .id("e" + order)
                .messageBody(LambdaSoakOrders.body(order, random))
                .messageAttributes(
                    Map.of(
                        "orderId",
                        MessageAttributeValue.builder()
                            .dataType("String")
                            .stringValue(id)
                            .build()));
        if (shape.fifo) {
          entry.messageGroupId("g" + LambdaSoakOrders.group(order)).messageDeduplicationId(id);
        }
        entries.add(entry.build());
      }
      SendMessageBatchResponse response =
          extended.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
      if (!response.failed().isEmpty()) {
        throw new IllegalStateException("orders not sent: " + response.failed());
      }
    }
    return null;
  }
}
