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

class RequestResponseDemoIT {

  @Test
  void scaledDownDemo_everyRequestGetsItsOwnReply_andNoReplyQueueIsLeft() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    int code =
        RequestResponseDemo.run(new String[] {"--requests", "200", "--concurrency", "16"}, out);

    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed).isZero();
    assertThat(printed)
        .contains("200 requests at concurrency 16: 0 wrong or failed")
        .contains("a 2 MB request and its reply through S3: ok")
        .contains("requester: 201 replies, 0 timeouts, 0 late, 0 duplicate; 0 reply queues left");
  }
}
