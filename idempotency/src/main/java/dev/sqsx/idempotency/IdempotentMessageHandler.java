/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

import dev.sqsx.consumer.ReceivedMessage;

/**
 * A handler run at most once per key (until the key expires), with the lease it holds. It may
 * return a result to store with the completed key (or null).
 */
@FunctionalInterface
public interface IdempotentMessageHandler {

  /** Applies the side effect of one message. */
  String handle(ReceivedMessage message, IdempotencyLease lease) throws Exception;
}
