/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/** A progress bar on a terminal, a line every few seconds elsewhere. */
final class Progress {

  private static final int WIDTH = 40;

  private final PrintStream out;
  private final long total;
  private final LongSupplier done;
  private final boolean terminal = terminal();
  private volatile boolean running = true;
  private Thread thread;

  Progress(PrintStream out, long total, LongSupplier done) {
    this.out = out;
    this.total = total;
    this.done = done;
  }

  /** A real terminal: on JDK 22+ the console exists even when output is redirected. */
  @SuppressWarnings("SystemConsoleNull") // null is the answer on JDK 17..21
  private static boolean terminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  void start() {
    thread =
        new Thread(
            () -> {
              long every = terminal ? 200 : 3000;
              while (running) {
                print(false);
                try {
                  Thread.sleep(every);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "sqsx-demo-progress");
    thread.setDaemon(true);
    thread.start();
  }

  void stop() {
    running = false;
    thread.interrupt();
    print(true);
  }

  private void print(boolean last) {
    long now = Math.min(total, done.getAsLong());
    int filled = (int) (WIDTH * now / Math.max(1, total));
    String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
    String line =
        String.format(
            "[%s] %3d%% %,d/%,d messages settled", bar, 100 * now / Math.max(1, total), now, total);
    if (terminal) {
      out.print("\r" + line + (last ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }
}
