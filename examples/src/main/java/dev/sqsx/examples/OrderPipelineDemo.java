/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsMode;
import dev.sqsx.testing.EmbeddedAws;
import java.io.PrintStream;

/**
 * The sqsx demo: an order pipeline that shows the whole library at work on real (embedded)
 * endpoints — large payloads offloaded to S3 and DynamoDB, consumers with retries and a DLQ, and
 * idempotent handling of duplicates — then checks that nothing was lost or applied twice.
 *
 * <p>Run it with {@code ./mvnw -q -DskipTests -pl examples -am package exec:java}; add {@code
 * -Dexec.args="--help"} for the options.
 */
public final class OrderPipelineDemo {

  private OrderPipelineDemo() {}

  /** Runs the demo and exits with its code: 0 when every invariant holds. */
  public static void main(String[] args) {
    int code = run(args, System.out);
    System.out.flush();
    // The exit code is the demo's verdict.
    System.exit(code);
  }

  /**
   * Runs the demo, printing to {@code out}; returns 0 when the invariants hold, 1 when not, 2 on
   * bad usage.
   */
  public static int run(String[] args, PrintStream out) {
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      out.println("error: " + e.getMessage());
      out.println();
      out.println(DemoOptions.USAGE);
      return 2;
    }
    if (options.help()) {
      out.println(DemoOptions.USAGE);
      return 0;
    }
    if (options.verbose()) {
      System.setProperty("org.slf4j.simpleLogger.log.dev.sqsx", "info");
    }
    EmbeddedAws embedded = null;
    try {
      AwsEndpoints endpoints;
      String where;
      if (options.aws()) {
        endpoints = AwsEndpoints.aws();
        where = "a real AWS account (" + endpoints.region() + ")";
      } else if (options.endpoint() != null) {
        endpoints =
            AwsEndpoints.local(
                AwsMode.ENDPOINT, options.endpoint(), options.endpoint(), options.endpoint());
        where = options.endpoint().toString();
      } else {
        out.println("starting embedded SQS (ElasticMQ), S3 (S3Proxy) and DynamoDB (dynalite)...");
        embedded = EmbeddedAws.start();
        endpoints = embedded.endpoints();
        where = "embedded SQS, S3 and DynamoDB on 127.0.0.1";
      }
      return new PipelineRun(options, endpoints, where, out).execute();
    } catch (RuntimeException e) {
      out.println("demo failed: " + e);
      return 1;
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
