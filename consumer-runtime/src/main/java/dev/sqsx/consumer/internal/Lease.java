package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.ReceivedMessage;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One received message while the consumer holds it: its receipt handle and visibility deadline, and
 * whether the consumer still holds it. Fields are written by the heartbeat and read by the
 * dispatcher and delete batcher, hence volatile.
 */
public final class Lease {

  private final ReceivedMessage received;
  private final long receivedAtMillis;
  private volatile long deadlineMillis;
  private volatile long startedAtNanos;
  private volatile boolean lost;
  private volatile boolean abandoned;
  private volatile boolean extending;

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

  /** Whether the consumer can still act on the message with this handle at {@code nowMillis}. */
  boolean held(long nowMillis) {
    return !lost && nowMillis < deadlineMillis;
  }
}
