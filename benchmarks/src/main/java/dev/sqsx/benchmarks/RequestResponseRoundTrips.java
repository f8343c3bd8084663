/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.requests.ReplyMessage;
import dev.sqsx.requests.SqsRequester;
import dev.sqsx.requests.SqsResponder;
import dev.sqsx.testing.AwsEndpoints;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Request–response round trips: sqsx's {@code SqsRequester} (one reply queue, replies routed by
 * correlation id) against a hand-written requester (each thread sends, then long-polls a reply
 * queue of its own), both answered by the same {@code SqsConsumer} + {@code SqsResponder} on the
 * same endpoints. Figures: round trips/s, p50 / p99 round-trip time, and the requester's SQS
 * requests per round trip (the responder's are the same for both and not counted; the reply deletes
 * sqsx still holds when a cell ends are not sent at all — its queue is deleted with them).
 */
final class RequestResponseRoundTrips {

  static final String NAME = "requests";
  static final List<Integer> CONCURRENCIES = List.of(1, 16, 64);
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final Options options;
  private final AwsEndpoints endpoints;
  private final Queues queues;

  RequestResponseRoundTrips(Options options, AwsEndpoints endpoints, Queues queues) {
    this.options = options;
    this.endpoints = endpoints;
    this.queues = queues;
  }

  int roundTrips(int concurrency) {
    int most = options.quick() ? 300 : 2_000;
    return concurrency == 1 ? most / 4 : most;
  }

  void run(Results results, PrintStream out) throws Exception {
    String requests = queues.create();
    try (SqsAsyncClient responderClient =
            Clients.sqsAsync(endpoints, new ExecutionInterceptor() {});
        SqsConsumer responder =
            SqsConsumer.builder()
                .sqsClient(responderClient)
                .queueUrl(requests)
                .concurrency(64)
                .waitTime(Duration.ofSeconds(1))
                .asyncHandler(
                    SqsResponder.builder()
                        .sqsClient(responderClient)
                        .handler(request -> ReplyMessage.of("re:" + request.body()))
                        .build())
                .build()) {
      responder.start();
      measure("sqsx", requests, 16, 200); // warm-up, discarded
      measure("hand-written", requests, 16, 200);
      for (int rep = 1; rep <= options.repetitions(); rep++) {
        for (int concurrency : CONCURRENCIES) {
          for (String contender : List.of("sqsx", "hand-written")) {
            Map<String, Double> figures =
                measure(contender, requests, concurrency, roundTrips(concurrency));
            results.add(NAME, contender, "concurrency=" + concurrency, figures);
            out.printf(
                "  requests %-12s c=%-2d rep %d: %,6.0f round trips/s  p50 %.1f ms  p99 %.1f ms"
                    + "  %.2f SQS requests/round trip%n",
                contender,
                concurrency,
                rep,
                figures.get("round_trips_per_second"),
                figures.get("p50_ms"),
                figures.get("p99_ms"),
                figures.get("sqs_requests_per_round_trip"));
          }
        }
      }
    } finally {
      queues.delete(requests);
    }
  }

  private Map<String, Double> measure(String contender, String requests, int concurrency, int n)
      throws Exception {
    RequestCounter counter = new RequestCounter();
    long[] latencies = new long[n];
    long[] counted = new long[2];
    double seconds =
        contender.equals("sqsx")
            ? sqsx(requests, concurrency, latencies, counter, counted)
            : handWritten(requests, concurrency, latencies, counter, counted);
    Arrays.sort(latencies);
    return Map.of(
        "round_trips_per_second", n / seconds,
        "p50_ms", latencies[n / 2] / 1e6,
        "p99_ms", latencies[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e6,
        "sqs_requests_per_round_trip", (counted[1] - counted[0]) / (double) n);
  }

  private double sqsx(
      String requests, int concurrency, long[] latencies, RequestCounter counter, long[] counted)
      throws Exception {
    try (SqsAsyncClient sqs = Clients.sqsAsync(endpoints, counter);
        SqsRequester requester =
            SqsRequester.builder()
                .sqsClient(sqs)
                .replyQueuePrefix("bench-reply-")
                .waitTime(WAIT)
                .build()) {
      requester.start();
      Semaphore inFlight = new Semaphore(concurrency);
      AtomicInteger failures = new AtomicInteger();
      counted[0] = counter.total();
      long started = System.nanoTime();
      for (int i = 0; i < latencies.length; i++) {
        inFlight.acquire();
        int n = i;
        long sent = System.nanoTime();
        var unused =
            requester
                .request(requests, "r" + n, Duration.ofSeconds(60))
                .whenComplete(
                    (reply, error) -> {
                      latencies[n] = System.nanoTime() - sent;
                      if (error != null || !reply.body().equals("re:r" + n)) {
                        failures.incrementAndGet();
                      }
                      inFlight.release();
                    });
      }
      inFlight.acquire(concurrency);
      double seconds = (System.nanoTime() - started) / 1e9;
      counted[1] = counter.total();
      if (failures.get() > 0) {
        throw new IllegalStateException(failures.get() + " sqsx round trips failed");
      }
      return seconds;
    }
  }

  private double handWritten(
      String requests, int concurrency, long[] latencies, RequestCounter counter, long[] counted)
      throws Exception {
    try (SqsClient sqs = Clients.sqs(endpoints, counter)) {
      List<String> replyQueues = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        String name = "bench-hw-reply-" + UUID.randomUUID();
        replyQueues.add(sqs.createQueue(r -> r.queueName(name)).queueUrl());
      }
      ExecutorService threads = Executors.newFixedThreadPool(concurrency);
      AtomicInteger next = new AtomicInteger();
      try {
        counted[0] = counter.total();
        long started = System.nanoTime();
        List<Future<?>> loops = new ArrayList<>();
        for (String replyQueue : replyQueues) {
          loops.add(
              threads.submit(
                  () -> {
                    int n;
                    while ((n = next.getAndIncrement()) < latencies.length) {
                      latencies[n] = roundTrip(sqs, requests, replyQueue, n);
                    }
                    return null;
                  }));
        }
        for (Future<?> loop : loops) {
          loop.get(10, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        counted[1] = counter.total();
        return seconds;
      } finally {
        threads.shutdownNow();
        replyQueues.forEach(url -> sqs.deleteQueue(r -> r.queueUrl(url)));
      }
    }
  }

  /** Send, then long-poll this thread's reply queue until the reply with this id; delete it. */
  private static long roundTrip(SqsClient sqs, String requests, String replyQueue, int n) {
    String correlationId = UUID.randomUUID().toString();
    long sent = System.nanoTime();
    sqs.sendMessage(
        r ->
            r.queueUrl(requests)
                .messageBody("r" + n)
                .messageAttributes(
                    Map.of(
                        SqsRequester.REPLY_TO_ATTRIBUTE, text(replyQueue),
                        SqsRequester.CORRELATION_ID_ATTRIBUTE, text(correlationId))));
    while (true) {
      List<Message> replies =
          sqs.receiveMessage(
                  r ->
                      r.queueUrl(replyQueue)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds((int) WAIT.toSeconds())
                          .messageAttributeNames(SqsRequester.CORRELATION_ID_ATTRIBUTE))
              .messages();
      boolean mine = false;
      for (Message reply : replies) {
        sqs.deleteMessage(r -> r.queueUrl(replyQueue).receiptHandle(reply.receiptHandle()));
        MessageAttributeValue id =
            reply.messageAttributes().get(SqsRequester.CORRELATION_ID_ATTRIBUTE);
        if (id != null && correlationId.equals(id.stringValue())) {
          if (!reply.body().equals("re:r" + n)) {
            throw new IllegalStateException("hand-written round trip " + n + " got another reply");
          }
          mine = true;
        }
      }
      if (mine) {
        return System.nanoTime() - sent;
      }
    }
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  String markdown(Results results) {
    StringBuilder table =
        new StringBuilder(
            "## Request–response round trips\n\n"
                + "sqsx `SqsRequester` (one reply queue, 2 long-poll loops, replies routed by"
                + " correlation id, deleted in `DeleteMessageBatch` calls of up to 10 gathered"
                + " across receives for up to 200 ms; futures completed on the receiving thread)"
                + " against a hand-written"
                + " requester: `concurrency` threads, each sending a request and long-polling a"
                + " reply queue of its own (`DeleteMessage` per reply). Both are answered by the"
                + " same `SqsConsumer` + `SqsResponder` (concurrency 64, 0 ms handler); SQS requests"
                + " are the requester's only. "
                + roundTrips(16)
                + " round trips per cell ("
                + roundTrips(1)
                + " at concurrency 1). Median of the repetitions.\n\n"
                + "| concurrency | requester | round trips/s | ÷ hand-written | p50 ms | p99 ms |"
                + " p99 ÷ hand-written | SQS req/round trip |\n"
                + "|---|---|---|---|---|---|---|---|\n");
    for (int concurrency : CONCURRENCIES) {
      String params = "concurrency=" + concurrency;
      double hwRate = results.median(NAME, "hand-written", params, "round_trips_per_second");
      double hwP99 = results.median(NAME, "hand-written", params, "p99_ms");
      for (String contender : List.of("sqsx", "hand-written")) {
        double rate = results.median(NAME, contender, params, "round_trips_per_second");
        double p99 = results.median(NAME, contender, params, "p99_ms");
        table
            .append("| ")
            .append(concurrency)
            .append(" | ")
            .append(contender)
            .append(" | ")
            .append(Results.format(rate))
            .append(" | ")
            .append(Results.ratio(rate, hwRate))
            .append(" | ")
            .append(Results.format(results.median(NAME, contender, params, "p50_ms")))
            .append(" | ")
            .append(Results.format(p99))
            .append(" | ")
            .append(Results.ratio(p99, hwP99))
            .append(" | ")
            .append(
                Results.format(
                    results.median(NAME, contender, params, "sqs_requests_per_round_trip")))
            .append(" |\n");
      }
    }
    return table.toString();
  }
}
