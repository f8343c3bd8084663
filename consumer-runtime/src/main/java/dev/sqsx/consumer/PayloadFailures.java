/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * Connects a {@link PayloadFailureBridge} to a consumer. Kept apart so that sqsx-extended-client
 * classes load only for consumers that use a bridge.
 */
final class PayloadFailures {

  private PayloadFailures() {}

  /**
   * How {@code consumer} marks its receive requests so that their payload failures come back to it,
   * and to no other consumer of the bridge.
   */
  static UnaryOperator<ReceiveMessageRequest> receivesOf(
      PayloadFailureBridge bridge, SqsConsumer consumer) {
    return bridge.receiverOf(failure -> consumer.payloadFailed(failure.message(), failure.error()))
        ::attachTo;
  }
}
