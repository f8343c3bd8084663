/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.internal;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Whether a Docker engine answers on this machine. */
public final class Docker {

  private static volatile Boolean available;

  private Docker() {}

  /** True when {@code docker info} succeeds within 15 seconds; the answer is cached. */
  public static boolean isAvailable() {
    Boolean known = available;
    if (known == null) {
      known = probe();
      available = known;
    }
    return known;
  }

  private static boolean probe() {
    try {
      Process process =
          new ProcessBuilder("docker", "info")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
