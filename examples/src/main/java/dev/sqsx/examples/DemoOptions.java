/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples;

import java.net.URI;
import java.time.Duration;

/** The demo's command line. */
record DemoOptions(
    int messages,
    int concurrency,
    int consumers,
    URI endpoint,
    boolean aws,
    boolean idempotency,
    boolean verbose,
    boolean traces,
    long seed,
    Duration timeout,
    boolean help) {

  static final String USAGE =
      String.join(
          "\n",
          "sqsx demo: an order pipeline over SQS, S3 and DynamoDB",
          "",
          "Usage: ./mvnw -q -DskipTests -pl examples -am package exec:java [-Dexec.args=\"OPTIONS\"]",
          "",
          "Options:",
          "  --messages N       orders to send (default 2000); ~10% carry large attachments",
          "                     (offloaded to S3 above 1 MiB, to DynamoDB from 256 KiB to 1 MiB),",
          "                     ~5% are sent twice, ~2% fail once, a few are poison",
          "  --concurrency N    handlers per consumer (default 16)",
          "  --consumers N      consumer instances (default 2)",
          "  --endpoint URL     use an SQS/S3/DynamoDB-compatible endpoint (e.g. LocalStack,",
          "                     http://localhost:4566) instead of the embedded ones",
          "  --aws              use a real AWS account (default credential chain and region);",
          "                     every queue, bucket and table is created under the prefix",
          "                     sqsx-demo and removed at the end",
          "  --no-idempotency   run handlers without the idempotency wrapper, to see the",
          "                     duplicate effects it prevents (the invariant check then fails)",
          "  --traces           trace every message with OpenTelemetry (sqsx-tracing) and",
          "                     report what the spans say; OTEL_TRACES_EXPORTER=otlp and the",
          "                     other OTEL_* settings send them to a collector as well",
          "  --seed N           seed of the random order sizes (default 42)",
          "  --timeout SECONDS  give up waiting after this long (default 600)",
          "  --verbose          show the library's log lines",
          "  --help             this text",
          "",
          "Exit code 0 only when every invariant holds: each order's effect applied exactly",
          "once or the order is in the DLQ, nothing lost, no payload left behind except those",
          "of dead-lettered messages.");

  static DemoOptions parse(String... args) {
    int messages = 2000;
    int concurrency = 16;
    int consumers = 2;
    URI endpoint = null;
    boolean aws = false;
    boolean idempotency = true;
    boolean verbose = false;
    boolean traces = false;
    long seed = 42;
    Duration timeout = Duration.ofMinutes(10);
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--messages" -> messages = positive(arg, value(args, ++i, arg), 1_000_000);
        case "--concurrency" -> concurrency = positive(arg, value(args, ++i, arg), 1_000);
        case "--consumers" -> consumers = positive(arg, value(args, ++i, arg), 16);
        case "--endpoint" -> endpoint = URI.create(value(args, ++i, arg));
        case "--aws" -> aws = true;
        case "--no-idempotency" -> idempotency = false;
        case "--verbose" -> verbose = true;
        case "--traces" -> traces = true;
        case "--seed" -> seed = Long.parseLong(value(args, ++i, arg));
        case "--timeout" ->
            timeout = Duration.ofSeconds(positive(arg, value(args, ++i, arg), 86_400));
        case "--help", "-h" -> help = true;
        default -> throw new IllegalArgumentException("unknown option '" + arg + "' (see --help)");
      }
    }
    if (aws && endpoint != null) {
      throw new IllegalArgumentException("--aws and --endpoint exclude each other");
    }
    return new DemoOptions(
        messages,
        concurrency,
        consumers,
        endpoint,
        aws,
        idempotency,
        verbose,
        traces,
        seed,
        timeout,
        help);
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a value (see --help)");
    }
    return args[index];
  }

  private static int positive(String option, String value, int max) {
    int number;
    try {
      number = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a whole number, was '" + value + "'");
    }
    if (number < 1 || number > max) {
      throw new IllegalArgumentException(option + " must be 1.." + max + ", was " + number);
    }
    return number;
  }
}
