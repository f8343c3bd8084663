/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import dev.sqsx.testing.AwsEndpoints;
import io.awspring.cloud.sqs.listener.SqsMessageListenerContainer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Spring Cloud AWS's {@code SqsMessageListenerContainer}, standalone, with its default
 * acknowledgement batching; {@code maxConcurrentMessages} = concurrency, {@code maxMessagesPerPoll}
 * = min(10, concurrency), {@code pollTimeout} 1 s.
 */
final class SpringContender implements Contender {

  @Override
  public String name() {
    return "spring-cloud-aws";
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
    try (SqsAsyncClient sqs = Clients.sqsAsync(endpoints, requests)) {
      SqsMessageListenerContainer<Object> container =
          SqsMessageListenerContainer.builder()
              .sqsAsyncClient(sqs)
              .queueNames(queueUrl)
              .messageListener(
                  message -> {
                    Contender.work(work);
                    onHandled.accept(String.valueOf(message.getPayload()));
                    handled.countDown();
                  })
              .configure(
                  options ->
                      options
                          .maxConcurrentMessages(concurrency)
                          .maxMessagesPerPoll(Math.min(10, concurrency))
                          .pollTimeout(Duration.ofSeconds(1)))
              .build();
      long started = System.nanoTime();
      container.start();
      try {
        seconds = Contender.secondsUntilHandled(handled, started, name());
      } finally {
        container.stop();
      }
    }
    return new Run(seconds, requests.total(), requests.byOperation());
  }
}
