/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.extended.ExtendedClientException;
import dev.sqsx.extended.PayloadResolutionFailure;
import dev.sqsx.extended.PayloadResolutionListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

class PayloadFailureBridgeTest {

  private static final String QUEUE = "https://sqs.example/000000000000/orders.fifo";

  private final PayloadFailureBridge bridge = new PayloadFailureBridge();
  private final List<String> first = new CopyOnWriteArrayList<>();
  private final List<String> second = new CopyOnWriteArrayList<>();
  private final PayloadResolutionListener firstReceives =
      bridge.receiverOf(failure -> first.add(failure.messageId()));
  private final PayloadResolutionListener secondReceives =
      bridge.receiverOf(failure -> second.add(failure.messageId()));

  @Test
  void aFailure_goesOnlyToTheConsumerWhoseReceiveCarriedTheListener() {
    secondReceives.onFailure(failure("m-1", false));

    assertThat(second).containsExactly("m-1");
    assertThat(first).as("bound first, but its receives did not hit the failure").isEmpty();
  }

  @Test
  void asTheClientsListener_theBridgeOnlyLogs_noConsumerGuessedFromTheQueue() {
    bridge.onFailure(failure("m-2", false));

    assertThat(first).isEmpty();
    assertThat(second).isEmpty();
  }

  @Test
  void aMessageTheClientDeleted_isNotHandedToItsConsumer() {
    firstReceives.onFailure(failure("m-3", true));

    assertThat(first).isEmpty();
  }

  private static PayloadResolutionFailure failure(String messageId, boolean deleted) {
    return new PayloadResolutionFailure(
        QUEUE,
        messageId,
        "handle-" + messageId,
        new ExtendedClientException("cannot resolve payload"),
        deleted,
        Message.builder().messageId(messageId).receiptHandle("handle-" + messageId).build());
  }
}
