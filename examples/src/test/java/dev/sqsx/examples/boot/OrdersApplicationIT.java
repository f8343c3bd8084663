/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Spring Boot example, as its README runs it. */
class OrdersApplicationIT {

  @Test
  void eachOrderIsAppliedOnce_theLargeOneResolvedFromS3() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int exit =
        OrdersApplication.run(new String[0], new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String output = buffer.toString(StandardCharsets.UTF_8);

    assertThat(exit).as(output).isZero();
    assertThat(output)
        .contains("sent 55 messages: 50 orders, 5 sent twice, order 7 with 600 KB")
        .contains("applied        50 orders, each once; largest attachment 600,000 chars")
        .contains("health         UP")
        .contains("OK: each order applied exactly once");
  }
}
