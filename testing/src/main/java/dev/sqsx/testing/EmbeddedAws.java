/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import dev.sqsx.testing.internal.EmbeddedDynamoDb;
import dev.sqsx.testing.internal.EmbeddedS3;
import dev.sqsx.testing.internal.EmbeddedServer;
import dev.sqsx.testing.internal.EmbeddedSqs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real, wire-compatible SQS (ElasticMQ) and S3 (S3Proxy) servers running in this JVM, and DynamoDB
 * (dynalite) as a Node.js child process, all on 127.0.0.1, each on its own ephemeral port.
 *
 * <p>For tests, {@link LocalAws} starts one instance per JVM and shares it. Outside JUnit (a demo,
 * a local run) start one with {@link #start()} and close it when done:
 *
 * <pre>{@code
 * try (EmbeddedAws aws = EmbeddedAws.start()) {
 *   SqsClient sqs = aws.endpoints().newSqsClient();
 *   ...
 * }
 * }</pre>
 *
 * <p>The DynamoDB endpoint needs Node.js 20 or newer with npm: dynalite is installed once per
 * machine (exact versions, {@code npm ci}) into {@code ~/.cache/sqsx}; without Node.js {@link
 * #start()} fails at once and says what to install. Thread-safe. {@link #close()} stops all three
 * servers and may be called more than once; the dynalite process also stops with the JVM.
 */
public final class EmbeddedAws implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedAws.class);

  private final EmbeddedSqs sqs;
  private final EmbeddedS3 s3;
  private final EmbeddedDynamoDb dynamoDb;
  private final AwsEndpoints endpoints;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedAws(EmbeddedSqs sqs, EmbeddedS3 s3, EmbeddedDynamoDb dynamoDb) {
    this.sqs = sqs;
    this.s3 = s3;
    this.dynamoDb = dynamoDb;
    this.endpoints =
        AwsEndpoints.local(AwsMode.EMBEDDED, sqs.endpoint(), s3.endpoint(), dynamoDb.endpoint());
  }

  /**
   * Starts the three servers in parallel and returns once all accept connections.
   *
   * @throws IllegalStateException when one cannot start; those that did start are stopped
   */
  public static EmbeddedAws start() {
    long started = System.nanoTime();
    ExecutorService starter =
        Executors.newFixedThreadPool(
            3,
            task -> {
              Thread thread = new Thread(task, "sqsx-embedded-aws-start");
              thread.setDaemon(true);
              return thread;
            });
    try {
      CompletableFuture<EmbeddedSqs> sqs = startOn(starter, EmbeddedSqs::start);
      CompletableFuture<EmbeddedS3> s3 = startOn(starter, EmbeddedS3::start);
      CompletableFuture<EmbeddedDynamoDb> dynamoDb = startOn(starter, EmbeddedDynamoDb::start);
      try {
        CompletableFuture.allOf(sqs, s3, dynamoDb).join();
      } catch (CompletionException e) {
        stopStarted(List.of(sqs, s3, dynamoDb));
        throw new IllegalStateException("cannot start the embedded AWS endpoints", e.getCause());
      }
      EmbeddedAws aws = new EmbeddedAws(sqs.join(), s3.join(), dynamoDb.join());
      LOG.debug(
          "embedded AWS endpoints started in {} ms: {}",
          (System.nanoTime() - started) / 1_000_000,
          aws.endpoints);
      return aws;
    } finally {
      starter.shutdown();
    }
  }

  private static <T extends EmbeddedServer> CompletableFuture<T> startOn(
      ExecutorService executor, Supplier<T> server) {
    return CompletableFuture.supplyAsync(server, executor);
  }

  private static void stopStarted(List<CompletableFuture<? extends EmbeddedServer>> servers) {
    for (CompletableFuture<? extends EmbeddedServer> server : servers) {
      if (server.isDone() && !server.isCompletedExceptionally()) {
        server.join().close();
      }
    }
  }

  /**
   * The version of dynalite the DynamoDB endpoint runs (pinned by this jar), e.g. {@code 4.0.0}.
   */
  public static String dynaliteVersion() {
    return EmbeddedDynamoDb.dynaliteVersion();
  }

  /** Where the servers answer, with the region and credentials they accept. */
  public AwsEndpoints endpoints() {
    return endpoints;
  }

  /**
   * Stops all three servers. Failures to stop one are collected; the first is thrown with the
   * others suppressed.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<RuntimeException> failures = new ArrayList<>();
    for (EmbeddedServer server : List.of(sqs, s3, dynamoDb)) {
      try {
        server.close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      RuntimeException first = failures.get(0);
      failures.subList(1, failures.size()).forEach(first::addSuppressed);
      throw first;
    }
  }
}
