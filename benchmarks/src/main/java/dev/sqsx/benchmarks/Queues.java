/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Queue set-up outside the measured code: create, pre-load, count, delete. */
final class Queues {

  private final SqsAsyncClient sqs;

  Queues(SqsAsyncClient sqs) {
    this.sqs = sqs;
  }

  String create() {
    return sqs.createQueue(
            r ->
                r.queueName("bench-" + UUID.randomUUID())
                    .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60")))
        .join()
        .queueUrl();
  }

  /** Sends {@code count} small messages, 10 per batch, 32 batches in flight. */
  void preload(String queueUrl, int count) throws InterruptedException {
    Semaphore inFlight = new Semaphore(32);
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (int first = 0; first < count; first += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = first; i < Math.min(first + 10, count); i++) {
        entries.add(
            SendMessageBatchRequestEntry.builder()
                .id("m" + i)
                .messageBody("{\"orderId\":" + i + ",\"amount\":" + (i % 97) + "}")
                .build());
      }
      inFlight.acquire();
      sends.add(
          sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries))
              .whenComplete((response, error) -> inFlight.release())
              .thenAccept(
                  response -> {
                    if (!response.failed().isEmpty()) {
                      throw new IllegalStateException("pre-load failed: " + response.failed());
                    }
                  }));
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
  }

  /** Messages still in the queue, visible or not. */
  int remaining(String queueUrl) {
    Map<QueueAttributeName, String> attributes =
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(queueUrl)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .join()
            .attributes();
    return attributes.values().stream().mapToInt(Integer::parseInt).sum();
  }

  void delete(String queueUrl) {
    sqs.deleteQueue(r -> r.queueUrl(queueUrl)).join();
  }
}
