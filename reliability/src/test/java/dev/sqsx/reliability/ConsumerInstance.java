/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.reliability;

import dev.sqsx.consumer.MessageHandler;
import dev.sqsx.consumer.NonRetryableException;
import dev.sqsx.consumer.PayloadFailureBridge;
import dev.sqsx.consumer.RetryPolicy;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.extended.DynamoDbPayloadStore;
import dev.sqsx.extended.MalformedPointerException;
import dev.sqsx.extended.PayloadIntegrityException;
import dev.sqsx.extended.PayloadNotAllowedException;
import dev.sqsx.extended.PayloadNotFoundException;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.extended.TieredPayloadStore;
import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.idempotency.IdempotencyKey;
import dev.sqsx.idempotency.IdempotentHandler;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.faults.FaultInjector;
import java.time.Duration;

/**
 * One simulated consumer process: its own clients behind its own fault injector, an extended async
 * client, an idempotent handler and an {@link SqsConsumer}. {@link #crash()} kills it the hard way:
 * the network goes (no flush, no release, no complete reaches AWS) and its handlers stop applying
 * effects, as if the process had died.
 */
final class ConsumerInstance {

  /** Where the instances work. */
  record Setup(
      AwsEndpoints endpoints,
      String queueUrl,
      String bucket,
      String payloadTable,
      String idempotencyTable,
      int concurrency) {}

  final String name;
  private final FaultyClients clients;
  private final SqsConsumer consumer;
  private volatile boolean alive = true;

  ConsumerInstance(
      String name,
      Setup setup,
      FaultInjector faults,
      EffectLedger ledger,
      RefusedDeletes refusedDeletes) {
    this.name = name;
    this.clients = new FaultyClients(setup.endpoints(), faults, refusedDeletes);
    PayloadFailureBridge payloadFailures = new PayloadFailureBridge();
    SqsExtendedAsyncClient extended =
        SqsExtendedAsyncClient.builder()
            .sqsClient(clients.sqsAsync)
            .payloadStore(
                TieredPayloadStore.builder()
                    .tier(
                        SoakOrders.DYNAMODB_TIER,
                        DynamoDbPayloadStore.builder()
                            .dynamoDbAsyncClient(clients.dynamoDbAsync)
                            .table(setup.payloadTable())
                            .build())
                    .otherwise(
                        S3PayloadStore.builder()
                            .s3AsyncClient(clients.s3Async)
                            .bucket(setup.bucket())
                            .build())
                    .build())
            .payloadSizeThreshold(SoakOrders.THRESHOLD)
            .resolutionListener(
                failure -> {
                  if (failure.error() instanceof PayloadNotFoundException) {
                    ledger.missingPayload(name, failure.messageId());
                  }
                  payloadFailures.onFailure(failure);
                })
            .build();
    IdempotentHandler idempotent =
        IdempotentHandler.builder()
            .store(DynamoDbIdempotencyStore.create(clients.dynamoDb, setup.idempotencyTable()))
            .namespace("orders")
            .key(IdempotencyKey.jsonField("/orderId"))
            .lease(Duration.ofSeconds(5))
            .handler(
                (message, lease) -> {
                  if (!alive) {
                    throw new IllegalStateException(name + " has crashed");
                  }
                  String orderId = SoakOrders.orderId(message.body());
                  if (SoakOrders.poison(orderId)) {
                    throw new NonRetryableException("order " + orderId + " is poison by design");
                  }
                  ledger.applied(orderId, name, lease.fencingToken());
                  return null;
                })
            .build();
    MessageHandler handler =
        message -> {
          idempotent.handle(message);
          SoakOrders.payloadKey(message.sdkMessage().receiptHandle())
              .ifPresent(
                  key -> ledger.handledPayload(key, name, message.sdkMessage().receiptHandle()));
        };
    this.consumer =
        SqsConsumer.builder()
            .sqsClient(extended)
            .queueUrl(setup.queueUrl())
            .concurrency(setup.concurrency())
            .waitTime(Duration.ofSeconds(1))
            .shutdownTimeout(Duration.ofSeconds(5))
            .retryPolicy(RetryPolicy.exponential(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(8)))
            .nonRetryable(
                error ->
                    error instanceof PayloadNotFoundException
                        || error instanceof PayloadNotAllowedException
                        || error instanceof PayloadIntegrityException
                        || error instanceof MalformedPointerException)
            .payloadFailures(payloadFailures)
            .handler(handler)
            .build();
    consumer.start();
  }

  FaultInjector faults() {
    return clients.faults;
  }

  /** Dies at once: nothing it does from now on reaches AWS or the ledger. Returns at once. */
  Thread crash() {
    alive = false;
    clients.faults.partition();
    Thread reaper =
        new Thread(
            () -> {
              consumer.close();
              clients.close();
            },
            name + "-reaper");
    reaper.start();
    return reaper;
  }

  /** The consumer's counts so far. */
  dev.sqsx.consumer.ConsumerStats stats() {
    return consumer.stats();
  }

  /** Stops gracefully. */
  void stop() {
    consumer.close();
    clients.close();
  }
}
