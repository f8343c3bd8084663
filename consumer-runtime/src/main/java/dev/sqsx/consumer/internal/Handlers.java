/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.AsyncMessageHandler;
import dev.sqsx.consumer.BatchMessageHandler;
import dev.sqsx.consumer.BatchOutcome;
import dev.sqsx.consumer.ReceivedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The user's handler in one of its two shapes: one message at a time, or a receive's batch. */
public record Handlers(AsyncMessageHandler single, BatchMessageHandler batch) {

  /**
   * Runs the handler on the leases' messages (one, or a batch); whatever it throws or returns (a
   * null stage included) becomes the stage's outcome, never an exception here.
   */
  CompletionStage<BatchOutcome> invoke(List<Lease> leases) {
    try {
      if (batch != null) {
        List<ReceivedMessage> messages = new ArrayList<>(leases.size());
        leases.forEach(lease -> messages.add(lease.received()));
        BatchOutcome outcome = batch.handle(messages);
        return CompletableFuture.completedFuture(
            outcome == null ? BatchOutcome.allSucceeded() : outcome);
      }
      CompletionStage<Void> stage = single.handle(leases.get(0).received());
      if (stage == null) {
        return CompletableFuture.failedFuture(new NullPointerException("handler returned null"));
      }
      return stage.thenApply(done -> BatchOutcome.allSucceeded());
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }
}
