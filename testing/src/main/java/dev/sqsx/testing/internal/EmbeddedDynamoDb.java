package dev.sqsx.testing.internal;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * DynamoDB Local, in memory, on a loopback port picked before start.
 *
 * <p>It leaves a non-daemon thread behind after {@link #close()}: a program's {@code main} that
 * uses it must end with {@code System.exit}.
 */
public final class EmbeddedDynamoDb implements EmbeddedServer {

  private static final int START_ATTEMPTS = 5;

  private final DynamoDBProxyServer server;
  private final URI endpoint;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedDynamoDb(DynamoDBProxyServer server, int port) {
    this.server = server;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
  }

  /**
   * Starts DynamoDB Local. The port is picked before the server binds it, so a race with another
   * process is possible: the start is retried on a new port a few times.
   */
  public static EmbeddedDynamoDb start() {
    Exception last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = FreePort.pick();
      DynamoDBProxyServer server = null;
      try {
        server =
            ServerRunner.createServerFromCommandLineArgs(
                new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
        server.start();
        return new EmbeddedDynamoDb(server, port);
      } catch (Exception e) {
        last = e;
        stopQuietly(server);
      }
    }
    throw new IllegalStateException(
        "cannot start DynamoDB Local after " + START_ATTEMPTS + " attempts", last);
  }

  private static void stopQuietly(DynamoDBProxyServer server) {
    if (server == null) {
      return;
    }
    try {
      server.stop();
    } catch (Exception ignored) {
      // The server never started; nothing to release.
    }
  }

  @Override
  public URI endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        server.stop();
      } catch (Exception e) {
        throw new IllegalStateException("cannot stop DynamoDB Local at " + endpoint, e);
      }
    }
  }
}
