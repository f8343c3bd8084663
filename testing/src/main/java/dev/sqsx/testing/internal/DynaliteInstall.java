/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where dynalite is installed, and its installation: {@code npm ci} of the {@code package.json} and
 * {@code package-lock.json} this jar carries (exact versions), once per machine and lockfile, into
 * a cache directory shared by every JVM, build module and test class.
 *
 * <p>Settings (system property, else environment variable):
 *
 * <ul>
 *   <li>{@code sqsx.dynalite.dir} / {@code SQSX_DYNALITE_DIR}: the directory to install into (or
 *       where it is installed already); default {@code ~/.cache/sqsx/dynalite-<lockfile hash>}.
 *   <li>{@code sqsx.node} / {@code SQSX_NODE}: the Node.js executable (default {@code node}).
 *   <li>{@code sqsx.npm} / {@code SQSX_NPM}: the npm executable (default {@code npm}).
 * </ul>
 */
final class DynaliteInstall {

  private static final Logger LOG = LoggerFactory.getLogger(DynaliteInstall.class);

  /** Node.js major version dynalite 4 declares in its {@code engines}. */
  static final int MIN_NODE_MAJOR = 20;

  private static final String RESOURCES = "/dev/sqsx/testing/dynalite/";
  private static final List<String> FILES =
      List.of("package.json", "package-lock.json", "launcher.js");
  private static final String DONE_MARKER = ".sqsx-installed";
  private static final long INSTALL_TIMEOUT_SECONDS = 300;

  private DynaliteInstall() {}

  /** The dynalite version {@code package.json} pins, e.g. {@code 4.0.0}. */
  static String pinnedVersion() {
    String json = new String(resource("package.json"), StandardCharsets.UTF_8);
    java.util.regex.Matcher version =
        java.util.regex.Pattern.compile("\"dynalite\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
    if (!version.find()) {
      throw new IllegalStateException("sqsx-testing's package.json pins no dynalite version");
    }
    return version.group(1);
  }

  /** The Node.js executable to run. */
  static String node() {
    return Settings.get("sqsx.node", "SQSX_NODE").orElse("node");
  }

  /**
   * Checks that Node.js {@value #MIN_NODE_MAJOR}+ runs, at once and with a message that says what
   * to install.
   *
   * @throws IllegalStateException when it does not
   */
  static void requireNode() {
    String node = node();
    String version;
    try {
      version = run(List.of(node, "--version"), Path.of("."), 30).trim();
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "the embedded DynamoDB endpoint (dynalite) needs Node.js "
              + MIN_NODE_MAJOR
              + " or newer with npm, and '"
              + node
              + " --version' failed ("
              + e.getMessage()
              + "). Install Node.js (e.g. 'apt-get install nodejs npm'), point the system property"
              + " sqsx.node at its executable, or use another mode (sqsx.aws.mode=endpoint,"
              + " localstack or aws), which needs no Node.js.",
          e);
    }
    int major = majorOf(version);
    if (major < MIN_NODE_MAJOR) {
      throw new IllegalStateException(
          "the embedded DynamoDB endpoint (dynalite) needs Node.js "
              + MIN_NODE_MAJOR
              + " or newer, and '"
              + node
              + "' is "
              + version
              + ". Install a newer Node.js or point the system property sqsx.node at one.");
    }
  }

  /** The major version of a {@code node --version} answer such as {@code v20.20.2}; -1 if none. */
  static int majorOf(String version) {
    String digits = version.startsWith("v") ? version.substring(1) : version;
    int dot = digits.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? digits : digits.substring(0, dot));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The directory holding {@code launcher.js} and {@code node_modules/dynalite}, installing it
   * first when needed. Concurrent JVMs wait for each other on a file lock.
   */
  static Path ensureInstalled() {
    Path dir = directory();
    if (Files.exists(dir.resolve(DONE_MARKER))) {
      return dir;
    }
    try {
      Files.createDirectories(dir.getParent());
      Path lockFile = dir.resolveSibling(dir.getFileName() + ".lock");
      try (FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = channel.lock();
        try {
          if (!Files.exists(dir.resolve(DONE_MARKER))) {
            install(dir);
          }
        } finally {
          lock.release();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install dynalite into " + dir, e);
    }
    return dir;
  }

  private static void install(Path dir) throws IOException {
    long started = System.nanoTime();
    Files.createDirectories(dir);
    for (String file : FILES) {
      Files.write(dir.resolve(file), resource(file));
    }
    String npm = Settings.get("sqsx.npm", "SQSX_NPM").orElse(windows() ? "npm.cmd" : "npm");
    run(
        List.of(
            npm,
            "ci",
            "--ignore-scripts",
            "--omit=dev",
            "--no-audit",
            "--no-fund",
            "--loglevel=error"),
        dir,
        INSTALL_TIMEOUT_SECONDS);
    Files.writeString(dir.resolve(DONE_MARKER), "installed by sqsx-testing\n");
    LOG.info(
        "installed dynalite with npm ci into {} in {} ms",
        dir,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /** The install directory: the setting, or one in the user's cache named by the files' hash. */
  static Path directory() {
    return Settings.get("sqsx.dynalite.dir", "SQSX_DYNALITE_DIR")
        .map(Path::of)
        .orElseGet(
            () ->
                Path.of(System.getProperty("user.home"), ".cache", "sqsx")
                    .resolve("dynalite-" + filesHash()))
        .toAbsolutePath();
  }

  private static String filesHash() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String file : FILES) {
        digest.update(resource(file));
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  private static byte[] resource(String file) {
    try (InputStream in = DynaliteInstall.class.getResourceAsStream(RESOURCES + file)) {
      if (in == null) {
        throw new IllegalStateException("sqsx-testing is missing its resource " + RESOURCES + file);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCES + file, e);
    }
  }

  /**
   * Runs a command to its end and returns its output.
   *
   * @throws IllegalStateException when it cannot start, fails, or outlives its timeout; the message
   *     carries the end of its output
   */
  static String run(List<String> command, Path workingDirectory, long timeoutSeconds) {
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(workingDirectory.toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run '" + String.join(" ", command) + "'", e);
    }
    try {
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "'" + String.join(" ", command) + "' took more than " + timeoutSeconds + " s");
      }
      String output = new String(out, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "'"
                + String.join(" ", command)
                + "' in "
                + workingDirectory
                + " exited with "
                + process.exitValue()
                + ": "
                + tail(output));
      }
      return output;
    } catch (IOException e) {
      process.destroyForcibly();
      throw new UncheckedIOException("cannot read the output of " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  /** The last lines of a program's output, for an error message. */
  static String tail(String output) {
    List<String> lines = new ArrayList<>(output.strip().lines().toList());
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  private static boolean windows() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
  }
}
