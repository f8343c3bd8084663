/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dynalite (the DynamoDB API in Node.js, MIT licence), in memory, as a child process on 127.0.0.1
 * and a port the system picks.
 *
 * <p>It is installed once per machine by {@link DynaliteInstall} from the exact versions this jar
 * carries. The child stops when {@link #close()} is called, when this JVM shuts down, and — should
 * this JVM be killed — when its standard input closes, so it never outlives the JVM. Its output
 * goes to the SLF4J logger {@code dev.sqsx.testing.dynalite} at DEBUG.
 *
 * <p>What dynalite does not implement: {@code UpdateTimeToLive} (and so no TTL sweeping),
 * transactions, and {@code ReturnValuesOnConditionCheckFailure} (a failed condition returns no
 * item). Table names need at least 3 characters.
 */
public final class EmbeddedDynamoDb implements EmbeddedServer {

  private static final Logger OUTPUT = LoggerFactory.getLogger("dev.sqsx.testing.dynalite");
  private static final String READY = "sqsx-dynalite-ready ";
  private static final long START_TIMEOUT_SECONDS = 30;

  private final Process process;
  private final URI endpoint;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread stopOnExit = new Thread(this::close, "sqsx-dynalite-stop");

  private EmbeddedDynamoDb(Process process, int port) {
    this.process = process;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
  }

  /**
   * Installs dynalite if needed, starts it and returns once it listens.
   *
   * @throws IllegalStateException when Node.js is missing or too old (the message says what to
   *     install), or dynalite cannot be installed or does not start in time (with its output)
   */
  public static EmbeddedDynamoDb start() {
    DynaliteInstall.requireNode();
    Path dir = DynaliteInstall.ensureInstalled();
    Process process;
    try {
      process =
          new ProcessBuilder(List.of(DynaliteInstall.node(), "launcher.js"))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start dynalite in " + dir, e);
    }
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Deque<String> lastLines = new ArrayDeque<>();
    Thread reader = new Thread(() -> forward(process, port, lastLines), "sqsx-dynalite-output");
    reader.setDaemon(true);
    reader.start();
    try {
      EmbeddedDynamoDb server =
          new EmbeddedDynamoDb(process, port.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
      Runtime.getRuntime().addShutdownHook(server.stopOnExit);
      return server;
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      String output;
      synchronized (lastLines) {
        output = String.join("\n", lastLines);
      }
      throw new IllegalStateException(
          "dynalite in " + dir + " did not start in " + START_TIMEOUT_SECONDS + " s: " + output, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while starting dynalite", e);
    }
  }

  /** Reads the child's output: the ready line completes {@code port}; every line is logged. */
  private static void forward(
      Process process, CompletableFuture<Integer> port, Deque<String> last) {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (!port.isDone() && line.startsWith(READY)) {
          port.complete(Integer.parseInt(line.substring(READY.length()).trim()));
          continue;
        }
        OUTPUT.debug("{}", line);
        synchronized (last) {
          last.addLast(line);
          if (last.size() > 20) {
            last.removeFirst();
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      port.completeExceptionally(e);
      return;
    }
    port.completeExceptionally(
        new IllegalStateException("dynalite exited before it listened (no ready line)"));
  }

  /** The dynalite version this jar pins and runs. */
  public static String dynaliteVersion() {
    return DynaliteInstall.pinnedVersion();
  }

  @Override
  public URI endpoint() {
    return endpoint;
  }

  /** Stops the child: closes its input, then waits up to 5 s before killing it. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      // closed by hand: the JVM need not keep the hook (and this server) until it exits
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException shuttingDown) {
      // called from the hook itself, or while the JVM exits: nothing to remove
    }
    try (OutputStream in = process.getOutputStream()) {
      in.flush();
    } catch (IOException alreadyGone) {
      // the child has exited already: nothing to stop
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
