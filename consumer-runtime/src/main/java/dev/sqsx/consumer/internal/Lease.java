/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.MessageObserver.Observation;
import dev.sqsx.consumer.MessageObserver.Outcome;
import dev.sqsx.consumer.ReceivedMessage;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One received message while the consumer holds it: its receipt handle and visibility deadline, and
 * whether the consumer still holds it. Fields are written by the heartbeat and read by the
 * dispatcher and delete batcher, hence volatile.
 */
public final class Lease {

  private static final Logger LOG = LoggerFactory.getLogger(Lease.class);
  private static final VarHandle OBSERVATION;
  private static final VarHandle PERMIT;
  private static final VarHandle TENANT;

  static {
    try {
      OBSERVATION =
          MethodHandles.lookup().findVarHandle(Lease.class, "observation", Observation.class);
      PERMIT = MethodHandles.lookup().findVarHandle(Lease.class, "permitReturned", boolean.class);
      TENANT = MethodHandles.lookup().findVarHandle(Lease.class, "tenantCounted", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ReceivedMessage received;
  private final long receivedAtMillis;
  private volatile long deadlineMillis;
  private volatile long startedAtNanos;
  private volatile boolean lost;
  private volatile boolean abandoned;
  private volatile boolean extending;

  /** The run's observation until the message is settled, then {@link Observation#NONE}. */
  @SuppressWarnings("UnusedVariable") // read and written through OBSERVATION
  private volatile Observation observation = Observation.NONE;

  private volatile Throwable failure;

  @SuppressWarnings("UnusedVariable") // read and written through PERMIT
  private volatile boolean permitReturned;

  @SuppressWarnings("UnusedVariable") // read and written through TENANT
  private volatile boolean tenantCounted;

  /** A lease that lasts until {@code deadlineMillis} unless extended. */
  public Lease(ReceivedMessage received, long receivedAtMillis, long deadlineMillis) {
    this.received = received;
    this.receivedAtMillis = receivedAtMillis;
    this.deadlineMillis = deadlineMillis;
  }

  public ReceivedMessage received() {
    return received;
  }

  public Message message() {
    return received.sdkMessage();
  }

  public String messageId() {
    return received.messageId();
  }

  public String receiptHandle() {
    return received.sdkMessage().receiptHandle();
  }

  public long receivedAtMillis() {
    return receivedAtMillis;
  }

  public long deadlineMillis() {
    return deadlineMillis;
  }

  void extendedUntil(long deadlineMillis) {
    this.deadlineMillis = deadlineMillis;
  }

  void markStarted() {
    this.startedAtNanos = System.nanoTime();
  }

  long startedAtNanos() {
    return startedAtNanos;
  }

  /** SQS no longer accepts this receipt handle: the message will be (or was) redelivered. */
  void markLost() {
    this.lost = true;
  }

  boolean lost() {
    return lost;
  }

  /** The heartbeat stopped extending (maximum processing time or the 12-hour limit). */
  void markAbandoned() {
    this.abandoned = true;
  }

  boolean abandoned() {
    return abandoned;
  }

  boolean extending() {
    return extending;
  }

  void extending(boolean extending) {
    this.extending = extending;
  }

  /** Starts observing this message's run (before its handler runs). */
  void observe(Observation observation) {
    this.observation = observation;
  }

  /** The run's observation; {@link Observation#NONE} before the run and after the settlement. */
  Observation observation() {
    return observation;
  }

  /**
   * The message failed before any handler ran ({@code error}): observed from now, with that
   * failure.
   */
  public void unhandled(dev.sqsx.consumer.MessageObserver observer, Throwable error) {
    failed(error);
    if (observer == dev.sqsx.consumer.MessageObserver.NONE) {
      return;
    }
    try {
      Observation started = observer.unhandled(received, error);
      observe(started == null ? Observation.NONE : started);
    } catch (RuntimeException e) {
      LOG.warn(
          "message observer failed on message {} from {}: {}",
          received.messageId(),
          received.queueUrl(),
          e.toString());
    }
  }

  /** The handler failed with {@code error} (the failure policy decides what follows). */
  void failed(Throwable error) {
    this.failure = error;
  }

  /**
   * The consumer is done with this message: tells the run's observation, once (later calls do
   * nothing). Never throws.
   */
  void settled(Outcome outcome, String detail) {
    Observation current = (Observation) OBSERVATION.getAndSet(this, Observation.NONE);
    if (current == Observation.NONE) {
      return;
    }
    try {
      current.settled(received, outcome, failure, detail);
    } catch (RuntimeException e) {
      LOG.warn(
          "message observer failed on message {} from {}: {}",
          received.messageId(),
          received.queueUrl(),
          e.toString());
    }
  }

  /**
   * True the first time only: the caller gives this message's permit back. However many ways a
   * message's settlement ends (released with its FIFO group, settled after a failure while
   * settling), its permit goes back once.
   */
  public boolean returnPermit() {
    return PERMIT.compareAndSet(this, false, true);
  }

  /** Marks the message counted in its tenant's load; true the first time only. */
  boolean countTenant() {
    return TENANT.compareAndSet(this, false, true);
  }

  /** Unmarks it; true only when it was counted (so it leaves its tenant's load once). */
  boolean uncountTenant() {
    return TENANT.compareAndSet(this, true, false);
  }

  /** Whether the consumer can still act on the message with this handle at {@code nowMillis}. */
  boolean held(long nowMillis) {
    return !lost && nowMillis < deadlineMillis;
  }
}
