/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import java.util.concurrent.CompletionStage;

/**
 * A non-blocking handler: the returned stage completes normally when the message was handled (it is
 * then deleted) and exceptionally when it was not. The consumer keeps the message's visibility
 * extended until the stage completes, however long that takes, up to the maximum processing time.
 *
 * <p>Called on the consumer's handler executor; a handler slot stays taken until the stage
 * completes. An exception thrown instead of returned counts as a failed stage.
 */
@FunctionalInterface
public interface AsyncMessageHandler {

  /** Starts handling one message. */
  CompletionStage<Void> handle(ReceivedMessage message);
}
