/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import dev.sqsx.testing.AwsEndpoints;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * A noisy neighbour on a fair queue: tenant A floods {@code --flood} messages, tenants B..J send a
 * hundredth of that each, interleaved, every message with its tenant as {@code MessageGroupId} on a
 * standard queue. The consumer starts first; the messages are sent while it runs, each stamped with
 * its send time. Reported: the quiet tenants' completion time (send to handled) p50 / p99, and A's,
 * for sqsx without a cap, sqsx with {@code maxInFlightPerGroup}, Spring Cloud AWS and the
 * hand-written loop, {@value #CONCURRENCY} handlers of {@code 5 ms} each.
 */
final class NoisyNeighbour {

  static final String NAME = "noisy";
  static final int CONCURRENCY = 16;
  static final int CAP = 4;
  static final Duration WORK = Duration.ofMillis(5);
  private static final List<String> QUIET = List.of("B", "C", "D", "E", "F", "G", "H", "I", "J");

  private final Options options;
  private final AwsEndpoints endpoints;
  private final Queues queues;
  private final List<Contender> contenders =
      List.of(
          SqsxContender.onSyncClient("sqsx", builder -> builder),
          SqsxContender.onSyncClient("sqsx-capped", builder -> builder.maxInFlightPerGroup(CAP)),
          new SdkLoopContender(),
          new SpringContender());

  NoisyNeighbour(Options options, AwsEndpoints endpoints, Queues queues) {
    this.options = options;
    this.endpoints = endpoints;
    this.queues = queues;
  }

  int quietEach() {
    return Math.max(1, options.flood() / 100);
  }

  String params() {
    return "flood=" + options.flood() + " quiet=" + quietEach() + "x" + QUIET.size();
  }

  void run(Results results, PrintStream out) throws Exception {
    for (Contender contender : contenders) {
      measure(contender, 500, 5); // warm-up, discarded
    }
    for (int rep = 1; rep <= options.repetitions(); rep++) {
      for (Contender contender : contenders) {
        Map<String, Double> figures = measure(contender, options.flood(), quietEach());
        results.add(NAME, contender.name(), params(), figures);
        out.printf(
            "  noisy %-16s %s rep %d: quiet p50 %.0f ms, p99 %.0f ms; A p50 %.0f ms, p99 %.0f ms;"
                + " all handled in %.1f s%n",
            contender.name(),
            params(),
            rep,
            figures.get("quiet_p50_ms"),
            figures.get("quiet_p99_ms"),
            figures.get("flood_p50_ms"),
            figures.get("flood_p99_ms"),
            figures.get("seconds"));
      }
    }
  }

  private Map<String, Double> measure(Contender contender, int flood, int quietEach)
      throws Exception {
    String queueUrl = queues.create();
    List<SendMessageBatchRequestEntry> entries = interleaved(flood, quietEach);
    ConcurrentLinkedQueue<double[]> done = new ConcurrentLinkedQueue<>();
    try (SqsAsyncClient producer = Clients.sqsAsync(endpoints, new ExecutionInterceptor() {})) {
      CompletableFuture<Void> sent =
          CompletableFuture.runAsync(() -> send(producer, queueUrl, entries));
      Contender.Run run =
          contender.consume(
              endpoints,
              queueUrl,
              entries.size(),
              CONCURRENCY,
              WORK,
              body -> done.add(completion(body)));
      sent.join();
      double[] quiet =
          done.stream().filter(d -> d[0] == 0).mapToDouble(d -> d[1]).sorted().toArray();
      double[] noisy =
          done.stream().filter(d -> d[0] == 1).mapToDouble(d -> d[1]).sorted().toArray();
      Map<String, Double> figures = new HashMap<>();
      figures.put("quiet_p50_ms", percentile(quiet, 50));
      figures.put("quiet_p99_ms", percentile(quiet, 99));
      figures.put("flood_p50_ms", percentile(noisy, 50));
      figures.put("flood_p99_ms", percentile(noisy, 99));
      figures.put("seconds", run.seconds());
      figures.put("messages", (double) entries.size());
      return figures;
    } finally {
      queues.delete(queueUrl);
    }
  }

  /** A's messages with one quiet tenant's message after every few, B..J in turn. */
  static List<SendMessageBatchRequestEntry> interleaved(int flood, int quietEach) {
    int quietTotal = quietEach * QUIET.size();
    int every = Math.max(1, flood / quietTotal);
    List<String> tenants = new ArrayList<>(flood + quietTotal);
    int quiet = 0;
    for (int i = 0; i < flood; i++) {
      tenants.add("A");
      if (i % every == every - 1 && quiet < quietTotal) {
        tenants.add(QUIET.get(quiet++ % QUIET.size()));
      }
    }
    while (quiet < quietTotal) {
      tenants.add(QUIET.get(quiet++ % QUIET.size()));
    }
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(tenants.size());
    for (int i = 0; i < tenants.size(); i++) {
      entries.add(
          SendMessageBatchRequestEntry.builder()
              .id("m" + i)
              .messageGroupId(tenants.get(i))
              .messageBody(tenants.get(i) + "|")
              .build());
    }
    return entries;
  }

  /** Sends in order, 10 per batch, 8 batches in flight, each body stamped with its send time. */
  private static void send(
      SqsAsyncClient sqs, String queueUrl, List<SendMessageBatchRequestEntry> entries) {
    Semaphore inFlight = new Semaphore(8);
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (int first = 0; first < entries.size(); first += 10) {
      inFlight.acquireUninterruptibly();
      long now = System.nanoTime();
      List<SendMessageBatchRequestEntry> batch = new ArrayList<>(10);
      for (SendMessageBatchRequestEntry entry :
          entries.subList(first, Math.min(entries.size(), first + 10))) {
        batch.add(entry.toBuilder().messageBody(entry.messageBody() + now).build());
      }
      sends.add(
          sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(batch))
              .whenComplete((response, error) -> inFlight.release())
              .thenAccept(
                  response -> {
                    if (!response.failed().isEmpty()) {
                      throw new IllegalStateException("send failed: " + response.failed());
                    }
                  }));
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
  }

  /** {quiet 0 / flood 1, milliseconds from send to handled}. */
  private static double[] completion(String body) {
    int bar = body.indexOf('|');
    long sentNanos = Long.parseLong(body.substring(bar + 1));
    return new double[] {body.startsWith("A|") ? 1 : 0, (System.nanoTime() - sentNanos) / 1e6};
  }

  static double percentile(double[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  String markdown(Results results) {
    StringBuilder md = new StringBuilder();
    md.append("## Noisy neighbour on a fair queue\n\n")
        .append(
            String.format(
                "Tenant A sends %,d messages, tenants B..J %,d each, interleaved (one quiet message"
                    + " after every %d of A's), each with its tenant as `MessageGroupId` on a"
                    + " standard queue; the consumer starts first and the messages are sent while it"
                    + " runs (10 per batch, 8 batches in flight), each stamped with its send time."
                    + " %d handlers, each message's handler sleeps %d ms. Completion time = send to"
                    + " handled. sqsx-capped is sqsx with `maxInFlightPerGroup(%d)`. Median of the"
                    + " repetitions, their range in brackets.%n%n",
                options.flood(),
                quietEach(),
                Math.max(1, options.flood() / (quietEach() * QUIET.size())),
                CONCURRENCY,
                WORK.toMillis(),
                CAP))
        .append(
            "ElasticMQ delivers in send order: it has no fair delivery, SQS's part of fair queues"
                + " (SQS hands a quiet tenant's messages out ahead of a noisy tenant's backlog). Here"
                + " a quiet message is received only when the consumer has read past the A messages"
                + " sent before it, so the consumer-side cap shows only what it does on its own.\n\n")
        .append(
            "| contender | quiet p50 ms | quiet p99 ms | A p50 ms | A p99 ms | all handled, s |\n")
        .append("|---|---|---|---|---|---|\n");
    for (Contender contender : contenders) {
      String name = contender.name();
      md.append("| ")
          .append(name)
          .append(" | ")
          .append(results.spread(NAME, name, params(), "quiet_p50_ms"))
          .append(" | ")
          .append(results.spread(NAME, name, params(), "quiet_p99_ms"))
          .append(" | ")
          .append(Results.format(results.median(NAME, name, params(), "flood_p50_ms")))
          .append(" | ")
          .append(Results.format(results.median(NAME, name, params(), "flood_p99_ms")))
          .append(" | ")
          .append(Results.format(results.median(NAME, name, params(), "seconds")))
          .append(" |\n");
    }
    return md.toString();
  }
}
