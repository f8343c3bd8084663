/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import dev.sqsx.testing.AwsEndpoints;
import java.time.Duration;
import java.util.Map;

/** A way to consume a queue: sqsx, a hand-written SDK loop, or Spring Cloud AWS. */
interface Contender {

  /** What one run measured. */
  record Run(double seconds, long requests, Map<String, Long> byOperation) {}

  String name();

  /**
   * Handles {@code messages} messages from {@code queueUrl} with {@code concurrency} handlers, each
   * taking {@code work}; returns once all were handled (the time) and acknowledged (the requests).
   */
  default Run consume(
      AwsEndpoints endpoints, String queueUrl, int messages, int concurrency, Duration work)
      throws Exception {
    return consume(endpoints, queueUrl, messages, concurrency, work, body -> {});
  }

  /**
   * As {@link #consume(AwsEndpoints, String, int, int, Duration)}, telling {@code handled} each
   * message's body once its handler's work is done (on the handler's thread).
   */
  Run consume(
      AwsEndpoints endpoints,
      String queueUrl,
      int messages,
      int concurrency,
      Duration work,
      java.util.function.Consumer<String> handled)
      throws Exception;

  /**
   * Waits until every message was handled; returns the seconds since {@code startedNanos}.
   *
   * @throws IllegalStateException when that takes over 10 minutes
   */
  static double secondsUntilHandled(
      java.util.concurrent.CountDownLatch handled, long startedNanos, String name)
      throws InterruptedException {
    if (!handled.await(10, java.util.concurrent.TimeUnit.MINUTES)) {
      throw new IllegalStateException(name + " did not finish in 10 minutes");
    }
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  /** Simulated handler I/O. */
  static void work(Duration work) {
    if (!work.isZero()) {
      try {
        Thread.sleep(work.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
