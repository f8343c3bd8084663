/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.testing.AwsEndpoints;
import io.awspring.cloud.sqs.listener.SqsMessageListenerContainer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * An idle queue, then a burst: each contender, configured as an application would run it (its own
 * long-poll defaults, not the 1 s polls of the throughput scenario), consumes an empty queue for
 * the idle period, then a burst of small messages is sent. Reported: ReceiveMessage requests per
 * idle minute (the floor is one long poll at a time: 3 a minute at SQS's 20 s limit), the time from
 * the burst's first send to its last message handled, and SQS requests per burst message.
 *
 * <p>The contenders: sqsx on the synchronous and the asynchronous client with the consumer's
 * defaults (20 s long polls, loops added while receives come back full); a hand-written loop of one
 * thread per handler, each long-polling 20 s and deleting its batch; Spring Cloud AWS's listener
 * container with its defaults but for the concurrency.
 */
final class IdleAndBurst {

  static final String NAME = "idle";

  private static final int CONCURRENCY = 16;
  private static final List<String> CONTENDERS =
      List.of("sqsx", "sqsx-async", "sdk-loop", "spring-cloud-aws");

  private final Options options;
  private final AwsEndpoints endpoints;
  private final Queues queues;

  IdleAndBurst(Options options, AwsEndpoints endpoints, Queues queues) {
    this.options = options;
    this.endpoints = endpoints;
    this.queues = queues;
  }

  /**
   * Seconds the consumers wait on the empty queue: 60 (quick: 30). A receive counts when it is
   * sent, so a window shorter than a long poll (20 s) can miss the one that is open.
   */
  int idleSeconds() {
    return options.quick() ? 30 : 60;
  }

  /** Messages in the burst: {@code --messages} (20,000; quick 2,000). */
  int burst() {
    return options.messages();
  }

  /**
   * Repetitions: {@code --repetitions} with {@code --only idle}; at most 2 in a run of every
   * scenario, since each run idles a minute per contender.
   */
  int repetitions() {
    return NAME.equals(options.only()) ? options.repetitions() : Math.min(options.repetitions(), 2);
  }

  String params() {
    return "idle=" + idleSeconds() + "s burst=" + burst() + " concurrency=" + CONCURRENCY;
  }

  void run(Results results, PrintStream out) throws Exception {
    for (int rep = 1; rep <= repetitions(); rep++) {
      for (String contender : CONTENDERS) {
        Map<String, Double> figures = measure(contender);
        results.add(NAME, contender, params(), figures);
        out.printf(
            "  idle+burst %-16s rep %d: %.1f receives per idle minute, burst drained in %.2f s,"
                + " %.3f SQS requests per burst message%n",
            contender,
            rep,
            figures.get("receives_per_idle_minute"),
            figures.get("drain_seconds"),
            figures.get("sqs_requests_per_message"));
      }
    }
  }

  private Map<String, Double> measure(String contender) throws Exception {
    String queueUrl = queues.create();
    RequestCounter requests = new RequestCounter();
    int burst = burst();
    CountDownLatch handled = new CountDownLatch(burst);
    AutoCloseable running = start(contender, queueUrl, requests, handled);
    try {
      // the start's own requests (attribute reads, the first receives) are not idle ones: count
      // from a second in
      TimeUnit.SECONDS.sleep(1);
      long receivesBefore = receives(requests);
      long idleStarted = System.nanoTime();
      TimeUnit.SECONDS.sleep(idleSeconds());
      double idleMinutes = (System.nanoTime() - idleStarted) / 60e9;
      double receivesPerIdleMinute = (receives(requests) - receivesBefore) / idleMinutes;
      long requestsBefore = requests.total();
      long burstStarted = System.nanoTime();
      queues.preload(queueUrl, burst);
      double drain = Contender.secondsUntilHandled(handled, burstStarted, contender);
      // the deletes of the last messages: wait until the queue is empty (at most a minute)
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (queues.remaining(queueUrl) > 0 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      double perMessage = (requests.total() - requestsBefore) / (double) burst;
      return Map.of(
          "receives_per_idle_minute",
          receivesPerIdleMinute,
          "drain_seconds",
          drain,
          "sqs_requests_per_message",
          perMessage,
          "left_in_queue",
          (double) queues.remaining(queueUrl));
    } finally {
      running.close();
      queues.delete(queueUrl);
    }
  }

  private static long receives(RequestCounter requests) {
    return requests.byOperation().getOrDefault("ReceiveMessage", 0L);
  }

  private AutoCloseable start(
      String contender, String queueUrl, RequestCounter requests, CountDownLatch handled) {
    return switch (contender) {
      case "sqsx" -> sqsx(Clients.sqs(endpoints, requests), null, queueUrl, handled);
      case "sqsx-async" -> sqsx(null, Clients.sqsAsync(endpoints, requests), queueUrl, handled);
      case "sdk-loop" -> loop(Clients.sqs(endpoints, requests), queueUrl, handled);
      case "spring-cloud-aws" -> spring(Clients.sqsAsync(endpoints, requests), queueUrl, handled);
      default -> throw new IllegalArgumentException(contender);
    };
  }

  private static AutoCloseable sqsx(
      SqsClient blocking, SqsAsyncClient async, String queueUrl, CountDownLatch handled) {
    var builder = SqsConsumer.builder();
    if (blocking != null) {
      builder.sqsClient(blocking);
    } else {
      builder.sqsClient(async);
    }
    SqsConsumer consumer =
        builder
            .queueUrl(queueUrl)
            .concurrency(CONCURRENCY)
            .handler(message -> handled.countDown())
            .build();
    consumer.start();
    return () -> {
      consumer.close();
      if (blocking != null) {
        blocking.close();
      } else {
        async.close();
      }
    };
  }

  /** One thread per handler, each: long poll 20 s, handle the batch, delete it in one request. */
  private static AutoCloseable loop(SqsClient sqs, String queueUrl, CountDownLatch handled) {
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < CONCURRENCY; i++) {
      Thread thread =
          new Thread(
              () -> {
                while (!stop.get()) {
                  List<Message> batch =
                      sqs.receiveMessage(
                              r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(20))
                          .messages();
                  if (batch.isEmpty()) {
                    continue;
                  }
                  List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
                  for (Message message : batch) {
                    handled.countDown();
                    deletes.add(
                        DeleteMessageBatchRequestEntry.builder()
                            .id(Integer.toString(deletes.size()))
                            .receiptHandle(message.receiptHandle())
                            .build());
                  }
                  sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(deletes));
                }
              },
              "idle-loop-" + i);
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
    return () -> {
      stop.set(true);
      // a thread in a long poll on the now empty queue ends within its 20 s
      for (Thread thread : threads) {
        thread.join(Duration.ofSeconds(25).toMillis());
      }
      sqs.close();
    };
  }

  private static AutoCloseable spring(SqsAsyncClient sqs, String queueUrl, CountDownLatch handled) {
    SqsMessageListenerContainer<Object> container =
        SqsMessageListenerContainer.builder()
            .sqsAsyncClient(sqs)
            .queueNames(queueUrl)
            .messageListener(message -> handled.countDown())
            .configure(options -> options.maxConcurrentMessages(CONCURRENCY))
            .build();
    container.start();
    return () -> {
      container.stop();
      sqs.close();
    };
  }

  String markdown(Results results) {
    StringBuilder md = new StringBuilder();
    md.append("## Idle, then a burst\n\n")
        .append(
            "Each contender consumes an empty queue for "
                + idleSeconds()
                + " s at concurrency "
                + CONCURRENCY
                + ", configured as an application would run it (sqsx: the consumer's defaults;"
                + " the hand-written loop: one thread per handler, each long-polling 20 s; Spring"
                + " Cloud AWS: its defaults), then "
                + String.format(java.util.Locale.ROOT, "%,d", burst())
                + " small messages arrive. Receives per idle minute: the floor is one long poll at"
                + " a time, 3 a minute. Drain: from the burst's first send to its last message"
                + " handled. Median of "
                + repetitions()
                + " repetition(s), their range in brackets.\n\n")
        .append(
            "| contender | ReceiveMessage per idle minute | burst drained in (s) | SQS requests per"
                + " burst message |\n")
        .append("|---|---|---|---|\n");
    for (String contender : CONTENDERS) {
      md.append("| ")
          .append(contender)
          .append(" | ")
          .append(results.spread(NAME, contender, params(), "receives_per_idle_minute"))
          .append(" | ")
          .append(results.spread(NAME, contender, params(), "drain_seconds"))
          .append(" | ")
          .append(results.spread(NAME, contender, params(), "sqs_requests_per_message"))
          .append(" |\n");
    }
    return md.toString();
  }
}
