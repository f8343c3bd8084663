/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class ReceivedMessageTest {

  private static Message withReceiveCount(String count) {
    return Message.builder()
        .messageId("id")
        .body("b")
        .attributes(
            Map.of(
                MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, count,
                MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP, "1700000000000",
                MessageSystemAttributeName.MESSAGE_GROUP_ID, "g"))
        .build();
  }

  @Test
  void attempt_comesFromTheReceiveCount_andTheLastOneIsKnownWithAPolicy() {
    ReceivedMessage third = new ReceivedMessage(withReceiveCount("3"), "q", 3);
    ReceivedMessage second = new ReceivedMessage(withReceiveCount("2"), "q", 3);

    assertThat(third.attempt()).isEqualTo(3);
    assertThat(third.isLastAttempt()).isTrue();
    assertThat(third.attemptsRemaining()).hasValue(0);
    assertThat(second.isLastAttempt()).isFalse();
    assertThat(second.attemptsRemaining()).hasValue(1);
    assertThat(second.messageGroupId()).contains("g");
    assertThat(second.firstReceivedAt()).contains(Instant.ofEpochMilli(1_700_000_000_000L));
  }

  @Test
  void withoutAPolicy_noAttemptIsTheLast() {
    ReceivedMessage message = new ReceivedMessage(withReceiveCount("99"), "q", null);

    assertThat(message.isLastAttempt()).isFalse();
    assertThat(message.attemptsRemaining()).isEmpty();
    assertThat(message.maxReceiveCount()).isEmpty();
  }

  @Test
  void missingOrBadReceiveCount_isTheFirstAttempt() {
    assertThat(new ReceivedMessage(Message.builder().build(), "q", 3).attempt()).isEqualTo(1);
    assertThat(new ReceivedMessage(withReceiveCount("x"), "q", 3).attempt()).isEqualTo(1);
  }
}
