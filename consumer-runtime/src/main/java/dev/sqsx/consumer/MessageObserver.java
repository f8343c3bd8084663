/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import java.util.List;

/**
 * Watches each message's processing in an {@link SqsConsumer}, from the moment its handler starts
 * to the moment the consumer is done with it: deleted, set to be retried, or dead-lettered. This is
 * where tracing plugs in ({@code sqsx-tracing}'s {@code SqsxTracing} is one) and where a metrics or
 * observation bridge can.
 *
 * <p>For each handler run the consumer calls {@link #handlerStarting} (one message) or {@link
 * #batchStarting} (a batch handler) on the handler's thread, then {@link Observation#open()} around
 * the handler call, then — on whatever thread learns it — {@link Observation#settled} once for each
 * message of the run. A message that fails before any handler runs (its payload could not be
 * resolved) gets {@link #unhandled} and then {@code settled}. Messages that never start (released
 * at shutdown, or expired while waiting) are not observed. A redelivered message is a new run with
 * a new observation.
 *
 * <p>Implementations must be thread-safe and fast, and must not throw: what they throw is logged
 * and ignored, and never changes what happens to a message.
 */
public interface MessageObserver {

  /** Observes nothing. */
  MessageObserver NONE =
      new MessageObserver() {
        @Override
        public Observation handlerStarting(ReceivedMessage message) {
          return Observation.NONE;
        }

        @Override
        public Observation batchStarting(List<ReceivedMessage> messages) {
          return Observation.NONE;
        }
      };

  /** The handler is about to run for {@code message}, on the calling thread. */
  Observation handlerStarting(ReceivedMessage message);

  /** A batch handler is about to run for {@code messages}, on the calling thread. */
  Observation batchStarting(List<ReceivedMessage> messages);

  /**
   * {@code message} failed before a handler could run ({@code error}: why, e.g. its payload could
   * not be resolved); it goes through the failure policy as if its handler had thrown. Default:
   * observed as a handler run.
   */
  default Observation unhandled(ReceivedMessage message, Throwable error) {
    return handlerStarting(message);
  }

  /** What the consumer did with a message once its handler had run. */
  enum Outcome {
    /** Handled and deleted. */
    DELETED,
    /** Handled, but the delete failed for good (or the lease was lost first): it comes back. */
    NOT_DELETED,
    /**
     * Failed; hidden for the retry policy's delay (or until its visibility ends) and redelivered.
     */
    RETRIED,
    /** Failed for good (non-retryable, or its last attempt); moved to the dead-letter queue. */
    DEAD_LETTERED
  }

  /** One handler run (one message, or a batch), from its start to each message's settlement. */
  interface Observation {

    /** Observes nothing. */
    Observation NONE = new Observation() {};

    /**
     * Makes this observation current on the calling thread (the handler's) until the returned scope
     * is closed, right after the handler returns.
     */
    default Scope open() {
      return Scope.NONE;
    }

    /** The consumer extended {@code message}'s visibility by {@code seconds} (a heartbeat). */
    default void visibilityExtended(ReceivedMessage message, int seconds) {}

    /**
     * The consumer is done with {@code message}: called exactly once per message of the run.
     *
     * @param error the handler's failure (null when it succeeded)
     * @param detail where it went, for the record (the DLQ URL, the retry delay, the reason a
     *     delete failed); may be null
     */
    default void settled(
        ReceivedMessage message, Outcome outcome, Throwable error, String detail) {}
  }

  /** An {@link Observation} made current on a thread; closing it restores what was current. */
  @FunctionalInterface
  interface Scope extends AutoCloseable {

    /** Nothing to restore. */
    Scope NONE = () -> {};

    @Override
    void close();
  }
}
