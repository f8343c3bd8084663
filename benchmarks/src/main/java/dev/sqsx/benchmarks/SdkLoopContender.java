/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import dev.sqsx.testing.AwsEndpoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The floor: {@code concurrency} threads, each receiving 10, handling them one by one and deleting
 * them with one {@code DeleteMessageBatch}. No heartbeat, no retry policy, no backpressure.
 */
final class SdkLoopContender implements Contender {

  @Override
  public String name() {
    return "sdk-loop";
  }

  @Override
  public Run consume(
      AwsEndpoints endpoints,
      String queueUrl,
      int messages,
      int concurrency,
      Duration work,
      Consumer<String> onHandled)
      throws InterruptedException {
    RequestCounter requests = new RequestCounter();
    CountDownLatch handled = new CountDownLatch(messages);
    double seconds;
    try (SqsClient sqs = Clients.sqs(endpoints, requests)) {
      long started = System.nanoTime();
      List<Thread> workers = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        Thread worker =
            new Thread(() -> loop(sqs, queueUrl, work, handled, onHandled), "sdk-loop-" + i);
        worker.start();
        workers.add(worker);
      }
      seconds = Contender.secondsUntilHandled(handled, started, name());
      for (Thread worker : workers) {
        worker.join();
      }
    }
    return new Run(seconds, requests.total(), requests.byOperation());
  }

  private static void loop(
      SqsClient sqs,
      String queueUrl,
      Duration work,
      CountDownLatch handled,
      Consumer<String> onHandled) {
    while (handled.getCount() > 0) {
      List<Message> batch =
          sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages();
      if (batch.isEmpty()) {
        continue;
      }
      List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
      for (Message message : batch) {
        Contender.work(work);
        onHandled.accept(message.body());
        handled.countDown();
        deletes.add(
            DeleteMessageBatchRequestEntry.builder()
                .id(Integer.toString(deletes.size()))
                .receiptHandle(message.receiptHandle())
                .build());
      }
      sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(deletes));
    }
  }
}
