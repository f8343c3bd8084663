/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import com.amazon.sqs.javamessaging.AmazonSQSExtendedClient;
import com.amazon.sqs.javamessaging.ExtendedClientConfiguration;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.QueueSizeLimitShim;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Large payloads sent, received and deleted through sqsx's extended client and AWS's {@code
 * amazon-sqs-java-extended-client-lib}, both synchronous over S3, on the same endpoints: MB/s, SQS
 * and S3 requests per message, and peak heap; and how time and heap grow with the payload size.
 */
final class LargePayloads {

  static final String NAME = "payloads";
  private static final int MB = 1024 * 1024;

  /**
   * The cell sent to a queue at 1 MiB (a {@link QueueSizeLimitShim} answers its {@code
   * MaximumMessageSize}, which ElasticMQ ignores): inline for sqsx's {@code auto} threshold,
   * offloaded by AWS's library (its fixed 256 KiB threshold).
   */
  static final int INLINE_AT_1_MIB = 900 * 1024;

  private static final int QUEUE_AT_1_MIB = 1_048_576;

  private static final List<String> CONTENDERS = List.of("sqsx", "aws-extended-client");

  private final Options options;
  private final AwsEndpoints endpoints;
  private final Queues queues;
  private final Cpu cpu;

  LargePayloads(Options options, AwsEndpoints endpoints, Queues queues, Cpu cpu) {
    this.options = options;
    this.endpoints = endpoints;
    this.queues = queues;
    this.cpu = cpu;
  }

  /**
   * Messages per run: about 120 MiB (quick 8 MiB) of payload, 12..40 messages (quick 2..40), so
   * even the 10 MB cell has enough messages for its median to mean something.
   */
  int messages(int size) {
    long budget = options.quick() ? 8L * MB : 120L * MB;
    int least = options.quick() ? 2 : 12;
    return (int) Math.max(least, Math.min(40, budget / size));
  }

  static String params(int size) {
    return "size=" + label(size);
  }

  static String label(int size) {
    return size >= MB ? size / MB + " MB" : size / 1024 + " KB";
  }

  /** The size column: the 900 KB cell names its queue's limit. */
  static String sizeCell(int size) {
    return size == INLINE_AT_1_MIB ? label(size) + " (queue at 1 MiB)" : label(size);
  }

  void run(Results results, PrintStream out) throws Exception {
    try (S3Client admin = Clients.s3(endpoints, new ExecutionInterceptor() {})) {
      for (String contender : CONTENDERS) {
        measure(admin, contender, 256 * 1024, 4); // warm-up, discarded
      }
      for (int size : options.payloadSizes()) {
        for (int rep = 1; rep <= options.repetitions(); rep++) {
          for (String contender : CONTENDERS) {
            Map<String, Double> figures = measure(admin, contender, size, messages(size));
            results.add(NAME, contender, params(size), figures);
            out.printf(
                "  payloads %-20s %-10s rep %d: %6.1f MB/s  %.2f SQS + %.2f S3 requests/msg,"
                    + " peak heap +%.0f MiB, CPU/msg client %.1f ms, endpoints %.1f ms%n",
                contender,
                label(size),
                rep,
                figures.get("mb_per_second"),
                figures.get("sqs_requests_per_message"),
                figures.get("s3_requests_per_message"),
                figures.get("peak_heap_mib"),
                figures.get("client_cpu_ms_per_message"),
                figures.get("endpoints_cpu_ms_per_message"));
          }
        }
      }
    }
  }

  private Map<String, Double> measure(S3Client admin, String contender, int size, int messages)
      throws Exception {
    String bucket = "bench-" + UUID.randomUUID();
    admin.createBucket(r -> r.bucket(bucket));
    String queueUrl = queues.create();
    String body = body(size);
    RequestCounter sqsRequests = new RequestCounter();
    RequestCounter s3Requests = new RequestCounter();
    QueueSizeLimitShim limits = new QueueSizeLimitShim();
    if (size == INLINE_AT_1_MIB) {
      limits.declare(queueUrl, QUEUE_AT_1_MIB);
    }
    try (SqsClient sqs = Clients.sqs(endpoints, limits, sqsRequests);
        S3Client s3 = Clients.s3(endpoints, s3Requests)) {
      SqsClient client =
          contender.equals("sqsx")
              ? SqsExtendedClient.builder()
                  .sqsClient(sqs)
                  .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
                  .build()
              : new AmazonSQSExtendedClient(
                  sqs, new ExtendedClientConfiguration().withPayloadSupportEnabled(s3, bucket));
      double seconds;
      double heap;
      long clientCpu;
      long endpointsCpu;
      try (HeapSampler sampler = new HeapSampler()) {
        clientCpu = cpu.client();
        endpointsCpu = cpu.endpoints();
        long started = System.nanoTime();
        roundTrip(client, queueUrl, body, messages);
        seconds = (System.nanoTime() - started) / 1e9;
        heap = sampler.peakMiB();
        clientCpu = cpu.client() - clientCpu;
        endpointsCpu = cpu.endpoints() - endpointsCpu;
      }
      return Map.of(
          "messages", (double) messages,
          "mb_per_second", (double) messages * size / MB / seconds,
          "seconds_per_message", seconds / messages,
          "sqs_requests_per_message", sqsRequests.total() / (double) messages,
          "s3_requests_per_message", s3Requests.total() / (double) messages,
          "peak_heap_mib", heap,
          "client_cpu_ms_per_message", clientCpu / 1e6 / messages,
          "endpoints_cpu_ms_per_message", endpointsCpu / 1e6 / messages);
    } finally {
      queues.delete(queueUrl);
      admin
          .listObjectsV2Paginator(r -> r.bucket(bucket))
          .contents()
          .forEach(o -> admin.deleteObject(r -> r.bucket(bucket).key(o.key())));
      admin.deleteBucket(r -> r.bucket(bucket));
    }
  }

  /** Sends {@code messages} copies of {@code body}, receives them (checking each) and deletes. */
  private static void roundTrip(SqsClient client, String queueUrl, String body, int messages) {
    for (int i = 0; i < messages; i++) {
      client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }
    int received = 0;
    while (received < messages) {
      List<Message> batch =
          client
              .receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages();
      List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
      for (Message message : batch) {
        if (message.body().length() != body.length()) {
          throw new IllegalStateException("payload came back with the wrong size");
        }
        deletes.add(
            DeleteMessageBatchRequestEntry.builder()
                .id(Integer.toString(deletes.size()))
                .receiptHandle(message.receiptHandle())
                .build());
      }
      if (!deletes.isEmpty()) {
        client.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(deletes));
      }
      received += batch.size();
    }
  }

  private static String body(int size) {
    Random random = new Random(size);
    StringBuilder body = new StringBuilder(size);
    while (body.length() < size) {
      body.append((char) ('a' + random.nextInt(26)));
    }
    return body.toString();
  }

  String markdown(Results results) {
    StringBuilder md = new StringBuilder();
    md.append("## Large payloads: sqsx vs amazon-sqs-java-extended-client-lib\n\n")
        .append(
            "Each run sends N messages of one size through the client (synchronous, S3), receives"
                + " them 10 at a time (each body checked) and deletes them in batches. MB/s is"
                + " payload bytes over the whole round trip; peak heap is sampled every 5 ms above"
                + " the heap in use after a GC before the run. Median of the repetitions, MB/s with their range in brackets.\n\n")
        .append(
            "The 900 KB cell's queue is at 1 MiB (`MaximumMessageSize` 1,048,576, answered by"
                + " sqsx-testing's `QueueSizeLimitShim`: ElasticMQ ignores the attribute): sqsx's"
                + " default `auto` threshold reads it and sends the message inline (0 S3 requests),"
                + " AWS's library offloads everything over 256 KiB. The other queues answer no limit,"
                + " so sqsx falls back to 262,144 there, as AWS's library.\n\n")
        .append(
            "| size | messages | sqsx MB/s | aws MB/s | sqsx ÷ aws | sqsx ms/msg | aws ms/msg |"
                + " sqsx SQS+S3 req/msg | aws SQS+S3 req/msg | sqsx peak heap MiB |"
                + " aws peak heap MiB | client CPU ms/msg sqsx / aws |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int size : options.payloadSizes()) {
      String params = params(size);
      double sqsx = results.median(NAME, "sqsx", params, "mb_per_second");
      double aws = results.median(NAME, "aws-extended-client", params, "mb_per_second");
      md.append("| ")
          .append(sizeCell(size))
          .append(" | ")
          .append(messages(size))
          .append(" | ")
          .append(results.spread(NAME, "sqsx", params, "mb_per_second"))
          .append(" | ")
          .append(results.spread(NAME, "aws-extended-client", params, "mb_per_second"))
          .append(" | ")
          .append(Results.ratio(sqsx, aws))
          .append(" | ")
          .append(
              Results.format(1000 * results.median(NAME, "sqsx", params, "seconds_per_message")))
          .append(" | ")
          .append(
              Results.format(
                  1000
                      * results.median(NAME, "aws-extended-client", params, "seconds_per_message")))
          .append(" | ")
          .append(requests(results, "sqsx", params))
          .append(" | ")
          .append(requests(results, "aws-extended-client", params))
          .append(" | ")
          .append(Results.format(results.median(NAME, "sqsx", params, "peak_heap_mib")))
          .append(" | ")
          .append(
              Results.format(results.median(NAME, "aws-extended-client", params, "peak_heap_mib")))
          .append(" | ")
          .append(Results.format(results.median(NAME, "sqsx", params, "client_cpu_ms_per_message")))
          .append(" / ")
          .append(
              Results.format(
                  results.median(NAME, "aws-extended-client", params, "client_cpu_ms_per_message")))
          .append(" |\n");
    }
    return md.toString();
  }

  private static String requests(Results results, String contender, String params) {
    return Results.format(results.median(NAME, contender, params, "sqs_requests_per_message"))
        + " + "
        + Results.format(results.median(NAME, contender, params, "s3_requests_per_message"));
  }
}
