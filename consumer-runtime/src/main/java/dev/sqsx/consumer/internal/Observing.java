/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.MessageObserver;
import dev.sqsx.consumer.MessageObserver.Observation;
import dev.sqsx.consumer.ReceivedMessage;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls into a {@link MessageObserver} the way the consumer promises: whatever it throws (or a null
 * it returns) is logged and replaced by "nothing observed", never changing what happens to a
 * message.
 */
final class Observing {

  private static final Logger LOG = LoggerFactory.getLogger(Observing.class);

  /** The observation opened on this thread, so that a hop to an I/O thread can carry it along. */
  private static final ThreadLocal<Observation> CURRENT = new ThreadLocal<>();

  private Observing() {}

  /** The run's observation, set on each lease; {@link Observation#NONE} when there is none. */
  static Observation start(
      MessageObserver observer, boolean batch, List<Lease> leases, String queueUrl) {
    if (observer == MessageObserver.NONE) {
      return Observation.NONE;
    }
    Observation observation;
    try {
      if (!batch) {
        observation = observer.handlerStarting(leases.get(0).received());
      } else {
        List<ReceivedMessage> messages = new ArrayList<>(leases.size());
        leases.forEach(lease -> messages.add(lease.received()));
        observation = observer.batchStarting(messages);
      }
    } catch (RuntimeException e) {
      LOG.warn("message observer of {} failed at a handler's start: {}", queueUrl, e.toString());
      return Observation.NONE;
    }
    Observation started = observation == null ? Observation.NONE : observation;
    leases.forEach(lease -> lease.observe(started));
    return started;
  }

  /** Makes {@code observation} current on this thread; the scope to close after. */
  static MessageObserver.Scope open(Observation observation, String queueUrl) {
    if (observation == Observation.NONE) {
      return MessageObserver.Scope.NONE;
    }
    MessageObserver.Scope opened;
    try {
      opened = observation.open();
    } catch (RuntimeException e) {
      LOG.warn("message observer of {} failed to open its scope: {}", queueUrl, e.toString());
      return MessageObserver.Scope.NONE;
    }
    MessageObserver.Scope scope = opened == null ? MessageObserver.Scope.NONE : opened;
    Observation previous = CURRENT.get();
    CURRENT.set(observation);
    return () -> {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
      scope.close();
    };
  }

  /**
   * The observation opened on this thread, or {@link Observation#NONE}: a call handed to another
   * thread (the synchronous client's I/O threads) opens it there too.
   */
  static Observation current() {
    Observation current = CURRENT.get();
    return current == null ? Observation.NONE : current;
  }

  static void close(MessageObserver.Scope scope, String queueUrl) {
    try {
      scope.close();
    } catch (RuntimeException e) {
      LOG.warn("message observer of {} failed to close its scope: {}", queueUrl, e.toString());
    }
  }
}
