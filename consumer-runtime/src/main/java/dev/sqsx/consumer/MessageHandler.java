/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

/**
 * A blocking handler: returns normally when the message was handled (it is then deleted), throws
 * when it was not (it is then retried according to the consumer's failure policy).
 *
 * <p>Runs on the consumer's handler executor; it may block. It is called concurrently for different
 * messages, up to the consumer's concurrency.
 */
@FunctionalInterface
public interface MessageHandler {

  /** Handles one message. */
  void handle(ReceivedMessage message) throws Exception;
}
