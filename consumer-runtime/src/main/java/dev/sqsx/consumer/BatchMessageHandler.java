/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import java.util.List;

/**
 * A blocking handler for handlers that prefer batches: the messages of one receive (up to 10) in,
 * an outcome per message out. Messages the outcome does not mark failed are deleted; failed ones go
 * through the failure policy one by one. Throwing fails the whole batch.
 */
@FunctionalInterface
public interface BatchMessageHandler {

  /** Handles a batch. */
  BatchOutcome handle(List<ReceivedMessage> messages) throws Exception;
}
