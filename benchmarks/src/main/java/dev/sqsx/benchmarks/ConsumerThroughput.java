/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import dev.sqsx.testing.AwsEndpoints;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Consumer throughput and SQS requests per message: sqsx against a hand-written SDK loop and Spring
 * Cloud AWS, on a fresh pre-loaded queue per run.
 */
final class ConsumerThroughput {

  static final String NAME = "consumer";

  private final Options options;
  private final AwsEndpoints endpoints;
  private final Queues queues;
  private final Cpu cpu;
  private final List<Contender> contenders =
      List.of(
          SqsxContender.onSyncClient(),
          SqsxContender.onAsyncClient(),
          new SdkLoopContender(),
          new SpringContender());

  ConsumerThroughput(Options options, AwsEndpoints endpoints, Queues queues, Cpu cpu) {
    this.options = options;
    this.endpoints = endpoints;
    this.queues = queues;
    this.cpu = cpu;
  }

  /**
   * Messages per run: {@code --messages}, capped so that one run takes seconds, not minutes, when
   * few handlers do slow work (2,500 per handler at 0 ms, 400 per handler at 5 ms).
   */
  int messages(int concurrency, Duration work) {
    int perHandler = work.isZero() ? 2_500 : 400;
    return Math.min(options.messages(), perHandler * concurrency);
  }

  static String params(int concurrency, Duration work) {
    return "work=" + work.toMillis() + "ms concurrency=" + concurrency;
  }

  void run(Results results, PrintStream out) throws Exception {
    // Warm-up, discarded: enough messages for the JIT to compile each contender's hot paths
    // (with 2,000 the first measured cells still ran 2-3x slower than the last).
    for (int round = 0; round < (options.quick() ? 1 : 3); round++) {
      for (Contender contender : contenders) {
        measure(contender, options.quick() ? 1_000 : 4_000, 16, Duration.ZERO);
      }
    }
    for (Duration work : options.works()) {
      for (int concurrency : options.concurrencies()) {
        int messages = messages(concurrency, work);
        for (int rep = 1; rep <= options.repetitions(); rep++) {
          for (Contender contender : contenders) {
            Map<String, Double> figures = measure(contender, messages, concurrency, work);
            results.add(NAME, contender.name(), params(concurrency, work), figures);
            out.printf(
                "  consumer %-16s %-28s rep %d: %,8.0f msg/s  %.3f SQS requests/msg  CPU/msg"
                    + " client %.0f µs, endpoints %.0f µs  %s%n",
                contender.name(),
                params(concurrency, work),
                rep,
                figures.get("messages_per_second"),
                figures.get("sqs_requests_per_message"),
                figures.get("client_cpu_us_per_message"),
                figures.get("endpoints_cpu_us_per_message"),
                operations.get());
          }
        }
      }
    }
  }

  private final ThreadLocal<Map<String, Long>> lastOperations = ThreadLocal.withInitial(Map::of);
  private final java.util.function.Supplier<Map<String, Long>> operations = lastOperations::get;

  private Map<String, Double> measure(
      Contender contender, int messages, int concurrency, Duration work) throws Exception {
    String queueUrl = queues.create();
    try {
      queues.preload(queueUrl, messages);
      long clientCpu = cpu.client();
      long endpointsCpu = cpu.endpoints();
      Contender.Run run = contender.consume(endpoints, queueUrl, messages, concurrency, work);
      double clientMicros = (cpu.client() - clientCpu) / 1e3 / messages;
      double endpointsMicros = (cpu.endpoints() - endpointsCpu) / 1e3 / messages;
      int left = queues.remaining(queueUrl);
      lastOperations.set(run.byOperation());
      return Map.of(
          "messages",
          (double) messages,
          "messages_per_second",
          messages / run.seconds(),
          "sqs_requests_per_message",
          run.requests() / (double) messages,
          "left_in_queue",
          (double) left,
          "client_cpu_us_per_message",
          clientMicros,
          "endpoints_cpu_us_per_message",
          endpointsMicros);
    } finally {
      queues.delete(queueUrl);
    }
  }

  /** The contenders' medians of one figure, " / " between them, in table order. */
  private static String perContender(Results results, String params, String figure) {
    StringBuilder column = new StringBuilder();
    for (String contender : List.of("sqsx", "sqsx-async", "sdk-loop", "spring-cloud-aws")) {
      if (column.length() > 0) {
        column.append(" / ");
      }
      column.append(Results.format(results.median(NAME, contender, params, figure)));
    }
    return column.toString();
  }

  String markdown(Results results) {
    StringBuilder md = new StringBuilder();
    md.append("## Consumer throughput and SQS requests per message\n\n")
        .append(
            "Fresh queue per run, pre-loaded with small messages; the time runs from start to the"
                + " last message handled; requests are every HTTP request the contender's client"
                + " sent (receives, deletes, visibility changes, attribute reads) until it stopped,"
                + " per message. Median of the repetitions, their range in brackets.\n\n")
        .append(
            "sqsx runs on a synchronous `SqsClient` (the Apache client the sdk-loop uses),"
                + " sqsx-async on an `SqsAsyncClient` (Netty, the client Spring Cloud AWS needs);"
                + " both with the consumer's defaults.\n\n")
        .append(
            "| work | concurrency | messages | sqsx msg/s | sqsx-async msg/s | sdk-loop msg/s |"
                + " spring msg/s | sqsx ÷ sdk-loop | sqsx-async ÷ sdk-loop | sqsx-async ÷ spring"
                + " | SQS req/msg sqsx / async / loop / spring | client CPU µs/msg sqsx / async /"
                + " loop / spring |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Duration work : options.works()) {
      for (int concurrency : options.concurrencies()) {
        String params = params(concurrency, work);
        double sqsx = results.median(NAME, "sqsx", params, "messages_per_second");
        double async = results.median(NAME, "sqsx-async", params, "messages_per_second");
        double loop = results.median(NAME, "sdk-loop", params, "messages_per_second");
        double spring = results.median(NAME, "spring-cloud-aws", params, "messages_per_second");
        md.append("| ")
            .append(work.toMillis())
            .append(" ms | ")
            .append(concurrency)
            .append(" | ")
            .append(messages(concurrency, work))
            .append(" | ")
            .append(results.spread(NAME, "sqsx", params, "messages_per_second"))
            .append(" | ")
            .append(results.spread(NAME, "sqsx-async", params, "messages_per_second"))
            .append(" | ")
            .append(results.spread(NAME, "sdk-loop", params, "messages_per_second"))
            .append(" | ")
            .append(results.spread(NAME, "spring-cloud-aws", params, "messages_per_second"))
            .append(" | ")
            .append(Results.ratio(sqsx, loop))
            .append(" | ")
            .append(Results.ratio(async, loop))
            .append(" | ")
            .append(Results.ratio(async, spring))
            .append(" | ")
            .append(perContender(results, params, "sqs_requests_per_message"))
            .append(" | ")
            .append(perContender(results, params, "client_cpu_us_per_message"))
            .append(" |\n");
      }
    }
    return md.toString();
  }
}
