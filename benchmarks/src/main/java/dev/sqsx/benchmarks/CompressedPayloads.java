/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import com.amazon.sqs.javamessaging.AmazonSQSExtendedClient;
import com.amazon.sqs.javamessaging.ExtendedClientConfiguration;
import dev.sqsx.extended.Compression;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsEndpoints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Compression (issue #35): realistic JSON orders with line items, 300 KB to 5 MB, generated from a
 * seed, through sqsx's extended client uncompressed, with gzip and with zstd, and through AWS's
 * {@code amazon-sqs-java-extended-client-lib}, all at AWS's threshold of 262,144 bytes on the same
 * endpoints: S3 requests per message, MB/s over send + receive + delete, bytes stored, client CPU
 * per message. And the two zstd implementations side by side on the same corpus: zstd-jni (JNI,
 * what sqsx uses) and aircompressor (pure Java).
 */
final class CompressedPayloads {

  static final String NAME = "compression";
  private static final int MB = 1024 * 1024;
  private static final int[] SIZES = {300 * 1024, MB, 5 * MB};
  private static final List<String> CONTENDERS =
      List.of("sqsx", "sqsx-gzip", "sqsx-zstd", "aws-extended-client");
  private static final int THRESHOLD = 262_144;

  private final Options options;
  private final AwsEndpoints endpoints;
  private final Queues queues;
  private final Cpu cpu;

  CompressedPayloads(Options options, AwsEndpoints endpoints, Queues queues, Cpu cpu) {
    this.options = options;
    this.endpoints = endpoints;
    this.queues = queues;
    this.cpu = cpu;
  }

  /** Messages per run: about 40 MiB (quick 10 MiB) of payload, 4..40 messages. */
  int messages(int size) {
    long budget = options.quick() ? 10L * MB : 40L * MB;
    return (int) Math.max(4, Math.min(40, budget / size));
  }

  void run(Results results, PrintStream out) throws Exception {
    codecs(results, out);
    try (S3Client admin = Clients.s3(endpoints, new ExecutionInterceptor() {})) {
      for (String contender : CONTENDERS) {
        measure(admin, contender, 300 * 1024, 4); // warm-up, discarded
      }
      for (int size : SIZES) {
        for (int rep = 1; rep <= options.repetitions(); rep++) {
          for (String contender : CONTENDERS) {
            Map<String, Double> figures = measure(admin, contender, size, messages(size));
            results.add(NAME, contender, LargePayloads.params(size), figures);
            out.printf(
                "  compression %-20s %-7s rep %d: %6.1f MB/s  %.2f SQS + %.2f S3 requests/msg,"
                    + " stored %.0f KB/msg, CPU/msg client %.1f ms%n",
                contender,
                LargePayloads.label(size),
                rep,
                figures.get("mb_per_second"),
                figures.get("sqs_requests_per_message"),
                figures.get("s3_requests_per_message"),
                figures.get("stored_kb_per_message"),
                figures.get("client_cpu_ms_per_message"));
          }
        }
      }
    }
  }

  // ---- the zstd implementations, and gzip, on the corpus ---------------------------------------

  private static final List<String> CODECS =
      List.of("gzip (JDK)", "zstd aircompressor", "zstd-jni");

  private void codecs(Results results, PrintStream out) {
    byte[] corpus = orders(5 * MB, 7).getBytes(StandardCharsets.UTF_8);
    int rounds = options.quick() ? 5 : 20;
    for (String codec : CODECS) {
      time(codec, corpus, 3); // warm-up
    }
    for (String codec : CODECS) {
      double[] figures = time(codec, corpus, rounds);
      Map<String, Double> row = new LinkedHashMap<>();
      row.put("ratio", figures[0]);
      row.put("compress_mb_per_second", figures[1]);
      row.put("decompress_mb_per_second", figures[2]);
      results.add(NAME + "-codecs", codec, "size=5 MB", row);
      out.printf(
          "  codec %-20s ratio %.1f:1, compress %.0f MB/s, decompress %.0f MB/s%n",
          codec, figures[0], figures[1], figures[2]);
    }
  }

  /** Ratio, compress MB/s and decompress MB/s of {@code rounds} round trips of {@code corpus}. */
  private static double[] time(String codec, byte[] corpus, int rounds) {
    byte[] packed = null;
    long started = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      packed = compress(codec, corpus);
    }
    double compressSeconds = (System.nanoTime() - started) / 1e9;
    started = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      if (decompress(codec, packed, corpus.length).length != corpus.length) {
        throw new IllegalStateException(codec + " gave back the wrong size");
      }
    }
    double decompressSeconds = (System.nanoTime() - started) / 1e9;
    double mb = (double) corpus.length * rounds / MB;
    return new double[] {
      (double) corpus.length / packed.length, mb / compressSeconds, mb / decompressSeconds
    };
  }

  private static byte[] compress(String codec, byte[] bytes) {
    switch (codec) {
      case "gzip (JDK)":
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024)) {
          gzip.write(bytes);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return out.toByteArray();
      case "zstd aircompressor":
        io.airlift.compress.zstd.ZstdCompressor compressor =
            new io.airlift.compress.zstd.ZstdCompressor();
        byte[] target = new byte[compressor.maxCompressedLength(bytes.length)];
        int length = compressor.compress(bytes, 0, bytes.length, target, 0, target.length);
        return java.util.Arrays.copyOf(target, length);
      default:
        return com.github.luben.zstd.Zstd.compress(bytes, 3);
    }
  }

  private static byte[] decompress(String codec, byte[] packed, int size) {
    switch (codec) {
      case "gzip (JDK)":
        try (java.util.zip.GZIPInputStream gzip =
            new java.util.zip.GZIPInputStream(
                new java.io.ByteArrayInputStream(packed), 64 * 1024)) {
          return gzip.readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      case "zstd aircompressor":
        byte[] target = new byte[size];
        int length =
            new io.airlift.compress.zstd.ZstdDecompressor()
                .decompress(packed, 0, packed.length, target, 0, size);
        return length == size ? target : java.util.Arrays.copyOf(target, length);
      default:
        return com.github.luben.zstd.Zstd.decompress(packed, size);
    }
  }

  // ---- the clients, end to end -----------------------------------------------------------------

  private Map<String, Double> measure(S3Client admin, String contender, int size, int messages)
      throws Exception {
    String bucket = "bench-" + UUID.randomUUID();
    admin.createBucket(r -> r.bucket(bucket));
    String queueUrl = queues.create();
    String body = orders(size, size);
    RequestCounter sqsRequests = new RequestCounter();
    RequestCounter s3Requests = new RequestCounter();
    try (SqsClient sqs = Clients.sqs(endpoints, sqsRequests);
        S3Client s3 = Clients.s3(endpoints, s3Requests)) {
      SqsClient client = client(contender, sqs, s3, bucket);
      long clientCpu = cpu.client();
      long started = System.nanoTime();
      for (int i = 0; i < messages; i++) {
        client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      clientCpu = cpu.client() - clientCpu;
      // outside the measured time, and not counted as the contender's requests
      long stored =
          admin.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream()
              .mapToLong(S3Object::size)
              .sum();
      long cpuBefore = cpu.client();
      started = System.nanoTime();
      receiveAndDelete(client, queueUrl, body, messages);
      seconds += (System.nanoTime() - started) / 1e9;
      clientCpu += cpu.client() - cpuBefore;
      Map<String, Double> figures = new LinkedHashMap<>();
      figures.put("messages", (double) messages);
      figures.put("mb_per_second", (double) messages * size / MB / seconds);
      figures.put("sqs_requests_per_message", sqsRequests.total() / (double) messages);
      figures.put("s3_requests_per_message", s3Requests.total() / (double) messages);
      figures.put("stored_kb_per_message", stored / 1024.0 / messages);
      figures.put("client_cpu_ms_per_message", clientCpu / 1e6 / messages);
      return figures;
    } finally {
      queues.delete(queueUrl);
      admin
          .listObjectsV2Paginator(r -> r.bucket(bucket))
          .contents()
          .forEach(o -> admin.deleteObject(r -> r.bucket(bucket).key(o.key())));
      admin.deleteBucket(r -> r.bucket(bucket));
    }
  }

  private static SqsClient client(String contender, SqsClient sqs, S3Client s3, String bucket) {
    if (contender.equals("aws-extended-client")) {
      return new AmazonSQSExtendedClient(
          sqs,
          new ExtendedClientConfiguration()
              .withPayloadSupportEnabled(s3, bucket)
              .withPayloadSizeThreshold(THRESHOLD));
    }
    SqsExtendedClient.Builder builder =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
            .payloadSizeThreshold(THRESHOLD);
    if (contender.equals("sqsx-gzip")) {
      builder.compression(Compression.GZIP);
    } else if (contender.equals("sqsx-zstd")) {
      builder.compression(Compression.ZSTD);
    }
    return builder.build();
  }

  private static void receiveAndDelete(
      SqsClient client, String queueUrl, String body, int messages) {
    int received = 0;
    while (received < messages) {
      List<Message> batch =
          client
              .receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages();
      List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
      for (Message message : batch) {
        if (!message.body().equals(body)) {
          throw new IllegalStateException("payload came back changed");
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

  /**
   * JSON orders with line items, about {@code size} characters, the same for the same seed:
   * customers, addresses, SKUs, prices and timestamps drawn from small vocabularies with random
   * numbers, as an order service's export would look.
   */
  static String orders(int size, long seed) {
    Random random = new Random(seed);
    String[] products = {
      "WIDGET", "GADGET", "SPROCKET", "FLANGE", "GEAR", "BOLT", "NUT", "VALVE", "BEARING", "SPRING"
    };
    String[] cities = {"Berlin", "Seattle", "Lyon", "Osaka", "Leeds", "Austin", "Porto", "Graz"};
    String[] statuses = {"NEW", "PAID", "PACKED", "SHIPPED", "DELIVERED"};
    StringBuilder json = new StringBuilder(size + 1024).append("{\"orders\":[");
    for (int order = 0; json.length() < size; order++) {
      json.append(order == 0 ? "" : ",")
          .append("{\"orderId\":\"")
          .append(new UUID(random.nextLong(), random.nextLong()))
          .append("\",\"createdAt\":\"2026-")
          .append(
              String.format(
                  "%02d-%02dT%02d:%02d:%02dZ",
                  1 + random.nextInt(12),
                  1 + random.nextInt(28),
                  random.nextInt(24),
                  random.nextInt(60),
                  random.nextInt(60)))
          .append("\",\"status\":\"")
          .append(statuses[random.nextInt(statuses.length)])
          .append("\",\"customer\":{\"id\":")
          .append(random.nextInt(10_000_000))
          .append(",\"email\":\"customer")
          .append(random.nextInt(1_000_000))
          .append("@example.com\",\"shippingAddress\":{\"street\":\"")
          .append(1 + random.nextInt(300))
          .append(" Main Street\",\"city\":\"")
          .append(cities[random.nextInt(cities.length)])
          .append("\",\"postalCode\":\"")
          .append(10_000 + random.nextInt(90_000))
          .append("\"}},\"lines\":[");
      int lines = 1 + random.nextInt(12);
      long total = 0;
      for (int i = 0; i < lines; i++) {
        int quantity = 1 + random.nextInt(20);
        int cents = 99 + random.nextInt(50_000);
        total += (long) quantity * cents;
        json.append(i == 0 ? "" : ",")
            .append("{\"lineId\":")
            .append(i + 1)
            .append(",\"sku\":\"")
            .append(products[random.nextInt(products.length)])
            .append('-')
            .append(random.nextInt(100_000))
            .append("\",\"description\":\"")
            .append(cities[random.nextInt(cities.length)])
            .append(" part, size ")
            .append(1 + random.nextInt(40))
            .append("\",\"quantity\":")
            .append(quantity)
            .append(",\"unitPrice\":{\"amount\":")
            .append(cents / 100)
            .append('.')
            .append(String.format("%02d", cents % 100))
            .append(",\"currency\":\"EUR\"}}");
      }
      json.append("],\"total\":{\"amount\":")
          .append(total / 100)
          .append('.')
          .append(String.format("%02d", total % 100))
          .append(",\"currency\":\"EUR\"}}");
    }
    return json.append("]}").toString();
  }

  String markdown(Results results) {
    StringBuilder md = new StringBuilder();
    md.append(
            "## Compression: sqsx uncompressed, gzip, zstd vs amazon-sqs-java-extended-client-lib\n\n")
        .append(
            "JSON orders with line items (generated from a seed), threshold 262,144 bytes for all."
                + " Each run sends N messages, receives them 10 at a time (each body compared)"
                + " and deletes them in batches. MB/s is uncompressed payload bytes over send +"
                + " receive + delete; stored is what the bucket holds after the sends. Median of"
                + " the repetitions.\n\n")
        .append(
            "| size | messages | contender | MB/s | SQS + S3 req/msg | stored KB/msg |"
                + " client CPU ms/msg |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (int size : SIZES) {
      String params = LargePayloads.params(size);
      for (String contender : CONTENDERS) {
        md.append("| ")
            .append(LargePayloads.label(size))
            .append(" | ")
            .append(messages(size))
            .append(" | ")
            .append(contender)
            .append(" | ")
            .append(results.spread(NAME, contender, params, "mb_per_second"))
            .append(" | ")
            .append(
                Results.format(results.median(NAME, contender, params, "sqs_requests_per_message")))
            .append(" + ")
            .append(
                Results.format(results.median(NAME, contender, params, "s3_requests_per_message")))
            .append(" | ")
            .append(
                Results.format(results.median(NAME, contender, params, "stored_kb_per_message")))
            .append(" | ")
            .append(
                Results.format(
                    results.median(NAME, contender, params, "client_cpu_ms_per_message")))
            .append(" |\n");
      }
    }
    md.append("\nThe codecs alone on a 5 MB document of the corpus:\n\n")
        .append("| codec | ratio | compress MB/s | decompress MB/s |\n|---|---|---|---|\n");
    for (String codec : CODECS) {
      md.append("| ")
          .append(codec)
          .append(" | ")
          .append(Results.format(results.median(NAME + "-codecs", codec, "size=5 MB", "ratio")))
          .append(":1 | ")
          .append(
              Results.format(
                  results.median(NAME + "-codecs", codec, "size=5 MB", "compress_mb_per_second")))
          .append(" | ")
          .append(
              Results.format(
                  results.median(NAME + "-codecs", codec, "size=5 MB", "decompress_mb_per_second")))
          .append(" |\n");
    }
    return md.toString();
  }
}
