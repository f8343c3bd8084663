/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo, scaled down, so it cannot rot; and proof that its invariant check bites. */
class OrderPipelineDemoIT {

  private static String run(int[] exit, String... args) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    exit[0] = OrderPipelineDemo.run(args, new PrintStream(buffer, true, StandardCharsets.UTF_8));
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void scaledDownDemo_printsTheReport_andTheInvariantsHold_tracingEveryMessage() {
    int[] exit = new int[1];

    String output = run(exit, "--messages", "300", "--concurrency", "8", "--traces");

    assertThat(exit[0]).as(output).isZero();
    assertThat(output)
        .contains("sent           315 messages: 300 orders + 15 duplicates")
        .contains("offloaded      15 to S3 (over 1 MiB), 15 to DynamoDB (256 KiB to 1 MiB)")
        .contains("inline         285 under the queue's MaximumMessageSize")
        .contains("handled        299 orders applied, each once")
        .contains("dead-lettered  1 message(s), with reasons:")
        .contains("1 x NonRetryableException: order N has a negative amount")
        .contains("invariants     HOLD")
        // every process span (one per handler run) is a child of the send that sent its message
        .containsPattern(
            "traces +[\\d,]+ spans: ([\\d,]+) process spans \\(dead_lettered 1, deleted [\\d,]+,"
                + " retried [\\d,]+\\), \\1 of them children of the send that sent their message;"
                + " 0 injections skipped")
        // the trace of a retried message: its failed run, then the one that deleted it
        .containsPattern("└ process \\S+ \\(consumer\\) .*: attempt \\d+, retried, \\S+Exception")
        .containsPattern("└ process \\S+ \\(consumer\\) .*: attempt \\d+, deleted");
  }

  @Test
  void withoutIdempotency_duplicatesApplyTwice_andTheDemoFails() {
    int[] exit = new int[1];

    String output = run(exit, "--messages", "200", "--concurrency", "8", "--no-idempotency");

    assertThat(exit[0]).as(output).isEqualTo(1);
    assertThat(output)
        .contains("invariants     VIOLATED:")
        .containsPattern("order \\d+ applied 2 times");
  }
}
