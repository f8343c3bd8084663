/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.EmbeddedAws;
import dev.sqsx.testing.EmbeddedAwsProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Properties;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Runs every scenario against the embedded endpoints started in a JVM of their own, prints
 * progress, and writes {@code <timestamp>-<full|quick>.md} and {@code .csv} (plus {@code
 * latest-<mode>.md}) under {@code benchmarks/results/}.
 *
 * <p>{@code ./mvnw -q -DskipTests -pl benchmarks -am package exec:java -Dexec.args="--quick"}
 */
public final class Benchmarks {

  static final String COMMAND = "./mvnw -q -DskipTests -pl benchmarks -am package exec:java";

  private Benchmarks() {}

  /** Runs the benchmarks; exits 0 when they ran, 2 on bad usage, 1 on failure. */
  public static void main(String[] args) {
    int code = run(args, System.out);
    System.out.flush();
    System.exit(code);
  }

  static int run(String[] args, PrintStream out) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      if (!"help".equals(e.getMessage())) {
        out.println("error: " + e.getMessage());
      }
      out.println(Options.USAGE);
      return "help".equals(e.getMessage()) ? 0 : 2;
    }
    long started = System.nanoTime();
    out.println("starting the embedded endpoints in their own JVM...");
    try (EmbeddedAwsProcess aws = EmbeddedAwsProcess.start("-Xmx2g");
        SqsAsyncClient admin = Clients.sqsAsync(aws.endpoints(), new ExecutionInterceptor() {})) {
      AwsEndpoints endpoints = aws.endpoints();
      Queues queues = new Queues(admin);
      Results results = new Results();
      Cpu cpu = new Cpu(aws.pid());
      ConsumerThroughput consumer = new ConsumerThroughput(options, endpoints, queues, cpu);
      LargePayloads payloads = new LargePayloads(options, endpoints, queues, cpu);
      IdempotencyOverhead idempotency = new IdempotencyOverhead(options, endpoints, queues);
      RequestResponseRoundTrips requests =
          new RequestResponseRoundTrips(options, endpoints, queues);
      IdleAndBurst idle = new IdleAndBurst(options, endpoints, queues);
      NoisyNeighbour noisy = new NoisyNeighbour(options, endpoints, queues);
      CompressedPayloads compression = new CompressedPayloads(options, endpoints, queues, cpu);
      if (options.runs("consumer")) {
        out.println("consumer throughput (sqsx, sqsx-async, sdk-loop, spring-cloud-aws)...");
        consumer.run(results, out);
      }
      if (options.runs("payloads")) {
        out.println("large payloads (sqsx, aws-extended-client)...");
        payloads.run(results, out);
      }
      if (options.runs("idempotency")) {
        out.println("idempotency overhead...");
        idempotency.run(results, out);
      }
      if (options.runs("requests")) {
        out.println("request-response round trips (sqsx, hand-written)...");
        requests.run(results, out);
      }
      if (options.runs("idle")) {
        out.println("idle, then a burst (sqsx, sqsx-async, sdk-loop, spring-cloud-aws)...");
        idle.run(results, out);
      }
      if (options.runs("noisy")) {
        out.println("noisy neighbour (sqsx, sqsx capped, sdk-loop, spring-cloud-aws)...");
        noisy.run(results, out);
      }
      if (options.runs("compression")) {
        out.println("compression (sqsx, sqsx-gzip, sqsx-zstd, aws-extended-client)...");
        compression.run(results, out);
      }
      double minutes = (System.nanoTime() - started) / 60e9;
      String report =
          header(options, args, minutes)
              + (options.runs("consumer") ? consumer.markdown(results) + "\n" : "")
              + (options.runs("payloads") ? payloads.markdown(results) + "\n" : "")
              + (options.runs("idempotency") ? idempotency.markdown(results) + "\n" : "")
              + (options.runs("requests") ? requests.markdown(results) + "\n" : "")
              + (options.runs("idle") ? idle.markdown(results) + "\n" : "")
              + (options.runs("noisy") ? noisy.markdown(results) + "\n" : "")
              + (options.runs("compression") ? compression.markdown(results) : "");
      Path written = write(options, report, results);
      if (options.runs("consumer")) {
        writeChart(options, written, results);
      }
      out.println();
      out.println(report);
      out.printf("results written to %s (and .csv)%n", written);
      return 0;
    } catch (Exception e) {
      out.println("benchmark failed: " + e);
      e.printStackTrace(out);
      return 1;
    }
  }

  private static Path write(Options options, String report, Results results) throws IOException {
    Files.createDirectories(options.out());
    String mode = options.quick() ? "quick" : "full";
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Path markdown = options.out().resolve(stamp + "-" + mode + ".md");
    Files.writeString(markdown, report, StandardCharsets.UTF_8);
    Files.writeString(
        options.out().resolve("latest-" + mode + ".md"), report, StandardCharsets.UTF_8);
    results.writeCsv(options.out().resolve(stamp + "-" + mode + ".csv"));
    results.writeCsv(options.out().resolve("latest-" + mode + ".csv"));
    return markdown;
  }

  /**
   * The consumer chart beside the Markdown: {@code <stamp>-<mode>.svg} and {@code
   * latest-<mode>.svg}.
   */
  private static void writeChart(Options options, Path markdown, Results results)
      throws IOException {
    String svg = ThroughputChart.svg(results, options.works(), options.concurrencies());
    String name = markdown.getFileName().toString().replace(".md", ".svg");
    Files.writeString(markdown.resolveSibling(name), svg, StandardCharsets.UTF_8);
    String mode = options.quick() ? "quick" : "full";
    Files.writeString(
        options.out().resolve("latest-" + mode + ".svg"), svg, StandardCharsets.UTF_8);
  }

  private static String header(Options options, String[] args, double minutes) {
    Properties versions = new Properties();
    try (InputStream in = Benchmarks.class.getResourceAsStream("/sqsx-benchmarks.properties")) {
      if (in != null) {
        versions.load(in);
      }
    } catch (IOException e) {
      // versions stay unknown
    }
    long memory = 0;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      memory = os.getTotalMemorySize();
    }
    return String.format(
        Locale.ROOT,
        "# sqsx benchmarks (%s)%n%n"
            + "- when: %s, %.1f minutes%n"
            + "- command: `%s`%n"
            + "- machine: %d cores, %.1f GiB, %s %s%n"
            + "- JVM: %s %s, max heap %d MiB; endpoints in a separate JVM (-Xmx2g)%n"
            + "- versions: sqsx %s, AWS SDK %s, amazon-sqs-java-extended-client-lib %s,"
            + " spring-cloud-aws-sqs %s; ElasticMQ %s, S3Proxy %s, dynalite %s%n"
            + "- method: warm-up runs of every contender first (discarded), then %d measured"
            + " repetition(s) per cell; medians reported with their range; contenders take turns within each"
            + " repetition, against the same endpoints%n%n",
        options.quick() ? "quick" : "full",
        Instant.now(),
        minutes,
        args.length == 0 ? COMMAND : COMMAND + " -Dexec.args=\"" + String.join(" ", args) + "\"",
        Runtime.getRuntime().availableProcessors(),
        memory / (1024.0 * 1024 * 1024),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() / (1024 * 1024),
        versions.getProperty("sqsx.version", "?"),
        versions.getProperty("aws-sdk.version", "?"),
        versions.getProperty("aws-extended-client.version", "?"),
        versions.getProperty("spring-cloud-aws.version", "?"),
        versions.getProperty("elasticmq.version", "?"),
        versions.getProperty("s3proxy.version", "?"),
        EmbeddedAws.dynaliteVersion(),
        options.repetitions());
  }
}
