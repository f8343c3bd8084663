/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

class DeadLetterMessageTest {

  private static final DeadLetterMessage.Failure FAILURE =
      new DeadLetterMessage.Failure(
          "java.lang.IllegalStateException",
          "boom \"quoted\"",
          3,
          "https://q",
          Instant.EPOCH,
          "id-1");

  private static Map<String, MessageAttributeValue> attributes(int count) {
    Map<String, MessageAttributeValue> attributes = new HashMap<>();
    for (int i = 0; i < count; i++) {
      attributes.put(
          "a" + i, MessageAttributeValue.builder().dataType("String").stringValue("v").build());
    }
    return attributes;
  }

  @Test
  void roomForAll_addsEachErrorAttribute() {
    SendMessageRequest request =
        DeadLetterMessage.build("https://dlq", "body", attributes(2), FAILURE, null);

    assertThat(request.messageAttributes()).hasSize(8);
    assertThat(request.messageAttributes().get("sqsx.Attempts").stringValue()).isEqualTo("3");
    assertThat(request.messageAttributes().get("sqsx.FirstFailureTime").stringValue())
        .isEqualTo("1970-01-01T00:00:00Z");
    assertThat(request.messageGroupId()).isNull();
  }

  @Test
  void littleRoom_foldsTheReasonIntoOneJsonAttribute() {
    SendMessageRequest request =
        DeadLetterMessage.build("https://dlq", "body", attributes(8), FAILURE, "g");

    assertThat(request.messageAttributes()).hasSize(9).containsKey("sqsx.Failure");
    assertThat(request.messageAttributes().get("sqsx.Failure").stringValue())
        .startsWith(
            "{\"ErrorClass\":\"java.lang.IllegalStateException\",\"ErrorMessage\":\"boom \\\"quoted\\\"\"");
    assertThat(request.messageGroupId()).isEqualTo("g");
    assertThat(request.messageDeduplicationId()).isEqualTo("id-1");
  }

  @Test
  void noRoom_keepsTheMessagesOwnAttributes() {
    assertThat(
            DeadLetterMessage.build("https://dlq", "b", attributes(10), FAILURE, null)
                .messageAttributes())
        .hasSize(10)
        .doesNotContainKey("sqsx.Failure");
  }

  @Test
  void longErrorMessages_areTruncated() {
    assertThat(DeadLetterMessage.truncate("x".repeat(5000))).hasSize(1024).endsWith("...");
    assertThat(DeadLetterMessage.truncate(null)).isEqualTo("(no message)");
  }

  @Test
  void errorMessage_keepsOnlyWhatSqsAccepts_andNeverCutsASurrogatePair() {
    assertThat(DeadLetterMessage.truncate("bad\u0000byte\u0007 and\ttab\nline \uD800 alone"))
        .isEqualTo("bad?byte? and\ttab\nline ? alone");
    String emoji = "\uD83D\uDE00";
    String atTheCut = "a".repeat(DeadLetterMessage.MAX_ERROR_MESSAGE - 4) + emoji + "tail";
    String cut = DeadLetterMessage.truncate(atTheCut);
    assertThat(cut).hasSizeLessThanOrEqualTo(DeadLetterMessage.MAX_ERROR_MESSAGE).endsWith("a...");
    assertThat(cut.codePoints()).noneMatch(c -> c >= 0xD800 && c <= 0xDFFF);
    String fits = "b".repeat(DeadLetterMessage.MAX_ERROR_MESSAGE - 2) + emoji;
    assertThat(DeadLetterMessage.truncate(fits)).isEqualTo(fits);
  }
}
