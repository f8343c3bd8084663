/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/** CPU time used so far by this JVM and by the endpoints' JVM. */
final class Cpu {

  private final long endpointsPid;

  Cpu(long endpointsPid) {
    this.endpointsPid = endpointsPid;
  }

  /** CPU nanoseconds this JVM has used, or 0 when the platform does not say. */
  long client() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  /** CPU nanoseconds the endpoints' JVM has used, or 0 when the platform does not say. */
  long endpoints() {
    return ProcessHandle.of(endpointsPid)
        .flatMap(process -> process.info().totalCpuDuration())
        .map(Duration::toNanos)
        .orElse(0L);
  }
}
