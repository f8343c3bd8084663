/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.internal;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/** ElasticMQ serving the SQS API (JSON and query protocols) on an ephemeral loopback port. */
public final class EmbeddedSqs implements EmbeddedServer {

  /** The account id that appears in queue URLs and ARNs. */
  public static final String ACCOUNT_ID = "000000000000";

  private static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(3);

  private final SQSRestServer server;
  private final URI endpoint;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedSqs(SQSRestServer server, int port) {
    this.server = server;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
  }

  /** Starts ElasticMQ and waits until it accepts connections. */
  public static EmbeddedSqs start() {
    Quiet.pekko();
    SQSRestServer server =
        SQSRestServerBuilder.withPort(0)
            .withInterface("127.0.0.1")
            .withAWSRegion("us-east-1")
            .withAWSAccountId(ACCOUNT_ID)
            .start();
    int port = server.waitUntilStarted().localAddress().getPort();
    return new EmbeddedSqs(server, port);
  }

  @Override
  public URI endpoint() {
    return endpoint;
  }

  /**
   * Stops the server, waiting at most {@link #STOP_WAIT}: a long poll a client already cancelled
   * keeps ElasticMQ's stop waiting for its own 21-second ask timeout, which is not worth waiting
   * for (the server's threads are daemons or end with the JVM).
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        scala.concurrent.Await.ready(
            server.stopAndGetFuture().apply(),
            scala.concurrent.duration.Duration.create(STOP_WAIT.toMillis(), "ms"));
      } catch (java.util.concurrent.TimeoutException e) {
        // Pending long polls; the server is shutting down regardless.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
