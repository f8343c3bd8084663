/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The embedded SQS, S3 and DynamoDB endpoints in a JVM of their own, so that what runs against them
 * (a benchmark, a load test) does not share CPU accounting, heap or GC with them.
 *
 * <pre>{@code
 * try (EmbeddedAwsProcess aws = EmbeddedAwsProcess.start()) {
 *   SqsClient sqs = aws.endpoints().newSqsClient();
 *   ...
 * }
 * }</pre>
 *
 * <p>The child runs {@link #main} on this JVM's class path (read from the context class loader when
 * it is a {@link URLClassLoader}, as under {@code exec:java}, else {@code java.class.path}) and
 * stops when its standard input closes, so it never outlives this process.
 */
public final class EmbeddedAwsProcess implements AutoCloseable {

  private static final String READY = "sqsx-embedded-aws-ready";

  private final Process process;
  private final AwsEndpoints endpoints;

  private EmbeddedAwsProcess(Process process, AwsEndpoints endpoints) {
    this.process = process;
    this.endpoints = endpoints;
  }

  /**
   * Starts the child JVM with {@code jvmOptions} (e.g. {@code -Xmx1g}) and returns once its
   * endpoints accept connections.
   *
   * @throws IllegalStateException when it cannot start within 60 seconds
   */
  public static EmbeddedAwsProcess start(String... jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.add("-cp");
    command.add(classPath());
    command.add(EmbeddedAwsProcess.class.getName());
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a JVM for the embedded endpoints", e);
    }
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String line;
      while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
        if (line.startsWith(READY)) {
          Map<String, URI> uris = new HashMap<>();
          for (String part : line.substring(READY.length()).trim().split(" ", -1)) {
            int eq = part.indexOf('=');
            uris.put(part.substring(0, eq), URI.create(part.substring(eq + 1)));
          }
          Thread drain = new Thread(() -> drain(out), "sqsx-embedded-aws-output");
          drain.setDaemon(true);
          drain.start();
          return new EmbeddedAwsProcess(
              process,
              AwsEndpoints.local(
                  AwsMode.EMBEDDED, uris.get("sqs"), uris.get("s3"), uris.get("dynamodb")));
        }
      }
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw new IllegalStateException("the embedded endpoints' JVM did not start", e);
    }
    process.destroyForcibly();
    throw new IllegalStateException("the embedded endpoints' JVM did not report ready in 60 s");
  }

  private static void drain(BufferedReader out) {
    try {
      while (out.readLine() != null) {
        // the emulators' own output is not ours to print
      }
    } catch (IOException ended) {
      // the child is gone
    }
  }

  private static String classPath() {
    Set<String> entries = new LinkedHashSet<>();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    while (loader != null) {
      if (loader instanceof URLClassLoader urls) {
        for (URL url : urls.getURLs()) {
          try {
            entries.add(Path.of(url.toURI()).toString());
          } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            // not a file: not a class path entry
          }
        }
      }
      loader = loader.getParent();
    }
    if (entries.isEmpty()) {
      return System.getProperty("java.class.path");
    }
    return String.join(File.pathSeparator, entries);
  }

  /** Where the child's endpoints answer. */
  public AwsEndpoints endpoints() {
    return endpoints;
  }

  /** The child's process id (to sample its CPU or memory from outside). */
  public long pid() {
    return process.pid();
  }

  /** Stops the child (closing its input), waiting up to 10 seconds before killing it. */
  @Override
  public void close() {
    try (OutputStream in = process.getOutputStream()) {
      in.flush();
    } catch (IOException ignored) {
      // already closed
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** The child's entry point: start, report the endpoints, serve until standard input closes. */
  public static void main(String[] args) throws IOException {
    EmbeddedAws aws = EmbeddedAws.start();
    AwsEndpoints endpoints = aws.endpoints();
    System.out.println(
        READY
            + " sqs="
            + endpoints.sqsEndpoint().orElseThrow()
            + " s3="
            + endpoints.s3Endpoint().orElseThrow()
            + " dynamodb="
            + endpoints.dynamoDbEndpoint().orElseThrow());
    System.out.flush();
    while (System.in.read() >= 0) {
      // serve until the parent closes our input or dies
    }
    aws.close();
    System.exit(0);
  }
}
