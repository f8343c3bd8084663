/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sqsx.lambda.internal.Records;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class LambdaConsumerBuilderTest {

  private static LambdaConsumerBuilder valid() {
    return LambdaConsumer.builder().handler(message -> {});
  }

  private static void rejects(UnaryOperator<LambdaConsumerBuilder> change, String message) {
    assertThatThrownBy(() -> change.apply(valid()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void invalidOptions_areRefusedNamingTheOption() {
    rejects(b -> LambdaConsumer.builder(), "exactly one of handler");
    rejects(b -> b.batchHandler(messages -> null), "exactly one of handler");
    rejects(b -> b.concurrency(0), "concurrency must be 1..1000");
    rejects(b -> b.timeoutMargin(Duration.ofMinutes(2)), "timeoutMargin must be 0..60 s");
    rejects(b -> b.deadLetterQueueUrl("https://dlq"), "deadLetterQueueUrl needs sqsClient");
    rejects(b -> b.maxReceiveCount(0), "maxReceiveCount must be 1..1000");
    rejects(b -> b.deletePayloads(true), "deletePayloads needs sqsClient");
  }

  @Test
  void anEmptyEvent_hasNoFailures() {
    SQSBatchResponse response = valid().build().handle(new SQSEvent(), null);
    assertThat(response.getBatchItemFailures()).isEmpty();
  }

  @Test
  void queueArns_areTakenApart_andAnythingElseIsRefused() {
    String arn = "arn:aws:sqs:eu-west-1:123456789012:orders.fifo";
    assertThat(Records.queueName(arn)).isEqualTo("orders.fifo");
    assertThat(Records.account(arn)).isEqualTo("123456789012");
    assertThat(Records.queueUrl(arn))
        .isEqualTo("https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo");
    for (String bad : List.of("", "arn:aws:sns:eu-west-1:1:topic", "orders")) {
      assertThatThrownBy(() -> Records.queueName(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not an SQS queue ARN");
    }
  }
}
