/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.BatchOutcome;
import dev.sqsx.consumer.MessageObserver;
import dev.sqsx.consumer.MessageObserver.Observation;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edges of one handler run in the consumer: the gate's admission, the check that each lease is
 * still held when the run really starts, the call with the run's observation current, the time
 * limit of an asynchronous run, and its end — the gate and the counters hear the outcome, and the
 * {@link Settlement} core settles each message. Thread-safe.
 */
final class HandlerRuns {

  private static final Logger LOG = LoggerFactory.getLogger(HandlerRuns.class);

  private final String queueUrl;
  private final Handlers handler;
  private final HandlerGate gate;
  private final Counters counters;
  private final Settlement settlement;
  private final MessageObserver observer;
  private final Clock clock;
  private final Duration maxProcessingTime;

  HandlerRuns(
      String queueUrl,
      Handlers handler,
      HandlerGate gate,
      Counters counters,
      Settlement settlement,
      MessageObserver observer,
      Clock clock,
      Duration maxProcessingTime) {
    this.queueUrl = queueUrl;
    this.handler = handler;
    this.gate = gate;
    this.counters = counters;
    this.settlement = settlement;
    this.observer = observer;
    this.clock = clock;
    this.maxProcessingTime = maxProcessingTime;
  }

  /**
   * Null to run now, or how long to put the messages back for; a gate that throws admits (logged).
   * May block (a rate limiter's wait).
   */
  Duration admit() {
    try {
      return gate.admit();
    } catch (RuntimeException e) {
      LOG.warn("handler gate of {} failed, running the handler: {}", queueUrl, e.toString());
      return null;
    }
  }

  /**
   * The leases that may still start now; the others (whose lease ended while the gate held them)
   * are settled as not started.
   */
  List<Lease> stillHeld(List<Lease> leases) {
    long now = clock.millis();
    List<Lease> held = leases;
    for (Lease lease : leases) {
      if (!settlement.mayStart(lease, now)) {
        if (held == leases) {
          held = new ArrayList<>(leases);
        }
        held.remove(lease);
        settlement.notStarted(lease);
      }
    }
    if (held.isEmpty()) {
      try {
        gate.unused(); // the admission goes back (a half-open breaker's trial permission)
      } catch (RuntimeException e) {
        LOG.warn("handler gate of {} failed: {}", queueUrl, e.toString());
      }
    }
    return held;
  }

  /** Calls the handler with the run's observation current. */
  CompletableFuture<BatchOutcome> invoke(List<Lease> leases) {
    Observation observation = Observing.start(observer, handler.batch() != null, leases, queueUrl);
    if (observation == Observation.NONE) {
      return handler.invoke(leases).toCompletableFuture();
    }
    MessageObserver.Scope scope = Observing.open(observation, queueUrl);
    try {
      return handler.invoke(leases).toCompletableFuture();
    } finally {
      Observing.close(scope, queueUrl);
    }
  }

  /**
   * An asynchronous run's outcome, failed with a timeout when the run is still going once the
   * maximum processing time has passed since the receive — the clock the heartbeat keeps too (it
   * stops extending then).
   */
  CompletableFuture<BatchOutcome> timeLimited(
      List<Lease> leases, CompletableFuture<BatchOutcome> outcome) {
    long left = leases.get(0).receivedAtMillis() + maxProcessingTime.toMillis() - clock.millis();
    return outcome.orTimeout(Math.max(1, left), TimeUnit.MILLISECONDS);
  }

  /** Settles a run whose outcome is complete. */
  void settle(List<Lease> leases, long startedNanos, CompletableFuture<BatchOutcome> outcome) {
    BatchOutcome value = null;
    Throwable error = null;
    try {
      value = outcome.join();
    } catch (CompletionException | CancellationException e) {
      error = e;
    }
    settle(leases, startedNanos, value, error);
  }

  /** Reports the run to the gate and the counters, and settles each message. */
  void settle(List<Lease> leases, long startedNanos, BatchOutcome outcome, Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof TimeoutException) {
      cause =
          new TimeoutException(
              "the handler did not complete within the maximum processing time of "
                  + maxProcessingTime
                  + " since the receive");
    }
    try {
      gate.completed(System.nanoTime() - startedNanos, cause);
    } catch (RuntimeException e) {
      LOG.warn("handler gate of {} failed: {}", queueUrl, e.toString());
    }
    for (Lease lease : leases) {
      Throwable failure = cause != null ? cause : outcome.failureOf(lease.messageId()).orElse(null);
      counters.handled(lease, failure == null, System.nanoTime() - lease.startedAtNanos());
      settlement.settle(lease, failure);
    }
  }
}
