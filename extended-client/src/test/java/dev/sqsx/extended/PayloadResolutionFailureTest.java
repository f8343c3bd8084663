/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

class PayloadResolutionFailureTest {

  @Test
  void toString_namesQueueMessageAndError_butNeverTheBody() {
    PayloadResolutionFailure failure =
        new PayloadResolutionFailure(
            "https://sqs/q",
            "m-1",
            "handle",
            new MalformedPointerException("not a pointer", null, null, null, null),
            false,
            Message.builder().messageId("m-1").body("card 4111 1111 1111 1111").build());

    assertThat(failure.toString())
        .contains("https://sqs/q", "m-1", "not a pointer")
        .doesNotContain("4111");
  }
}
