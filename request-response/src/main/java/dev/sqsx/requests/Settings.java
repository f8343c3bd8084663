/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** A requester's options: filled by its builder, then checked and frozen into a copy. */
final class Settings {

  private static final Duration MAX_TIMEOUT = Duration.ofHours(12);
  static final Duration DEFAULT_DELETE_INTERVAL = Duration.ofMillis(200);
  static final Duration MAX_DELETE_INTERVAL = Duration.ofSeconds(10);

  /** The VisibilityTimeout of a created reply queue: well above the longest delete interval. */
  static final int REPLY_VISIBILITY_TIMEOUT_SECONDS = 60;

  SqsAsyncClient sqs;
  String replyQueuePrefix = ReplyQueueSweeper.DEFAULT_PREFIX;
  String replyQueueUrl;
  String owner = SqsRequester.defaultOwner();
  Duration defaultTimeout = Duration.ofSeconds(30);
  int pollers = 2;
  Duration waitTime = Duration.ofSeconds(20);
  Duration heartbeatInterval = Duration.ofMinutes(1);
  Duration sweepInterval = Duration.ZERO;
  Duration sweepIdleAfter = Duration.ofMinutes(5);
  Duration replyMemory = Duration.ofMinutes(15);
  int replyMemoryLimit = 100_000;
  Duration deleteInterval = DEFAULT_DELETE_INTERVAL;
  Executor callbackExecutor; // null: on the thread the reply (or the send's failure) arrived on
  io.micrometer.core.instrument.MeterRegistry meterRegistry;
  Clock clock = Clock.systemUTC();

  Settings checked() {
    Objects.requireNonNull(sqs, "sqsClient cannot be null");
    Objects.requireNonNull(clock, "clock cannot be null");
    ReplyQueueSweeper.checkPrefix("replyQueuePrefix", replyQueuePrefix);
    if (replyQueueUrl != null && replyQueueUrl.isBlank()) {
      throw new IllegalArgumentException("replyQueueUrl must not be blank");
    }
    Objects.requireNonNull(owner, "owner cannot be null");
    if (owner.isEmpty() || owner.length() > 256) {
      throw new IllegalArgumentException(
          "owner must be 1..256 characters (an SQS tag value), was '" + owner + "'");
    }
    checkTimeout("defaultTimeout", defaultTimeout);
    if (pollers < 1 || pollers > 16) {
      throw new IllegalArgumentException("pollers must be 1..16, was " + pollers);
    }
    Objects.requireNonNull(waitTime, "waitTime cannot be null");
    if (waitTime.getNano() != 0 || waitTime.getSeconds() < 1 || waitTime.getSeconds() > 20) {
      throw new IllegalArgumentException(
          "waitTime must be whole seconds 1..20 (SQS long-poll limit), was " + waitTime);
    }
    between("heartbeatInterval", heartbeatInterval, Duration.ofSeconds(1), Duration.ofHours(1));
    Objects.requireNonNull(sweepInterval, "sweepInterval cannot be null");
    if (!sweepInterval.isZero()) {
      between("sweepInterval", sweepInterval, Duration.ofSeconds(1), Duration.ofDays(1));
    }
    Objects.requireNonNull(sweepIdleAfter, "sweepIdleAfter cannot be null");
    if (sweepIdleAfter.compareTo(heartbeatInterval.multipliedBy(2)) <= 0) {
      throw new IllegalArgumentException(
          "sweepIdleAfter must be more than twice heartbeatInterval ("
              + heartbeatInterval
              + ") so that a live requester's queue is never swept, was "
              + sweepIdleAfter);
    }
    between("replyMemory", replyMemory, Duration.ofSeconds(1), Duration.ofDays(1));
    between("deleteInterval", deleteInterval, Duration.ZERO, MAX_DELETE_INTERVAL);
    Settings copy = new Settings();
    copy.sqs = sqs;
    copy.replyQueuePrefix = replyQueuePrefix;
    copy.replyQueueUrl = replyQueueUrl;
    copy.owner = owner;
    copy.defaultTimeout = defaultTimeout;
    copy.pollers = pollers;
    copy.waitTime = waitTime;
    copy.heartbeatInterval = heartbeatInterval;
    copy.sweepInterval = sweepInterval;
    copy.sweepIdleAfter = sweepIdleAfter;
    copy.replyMemory = replyMemory;
    copy.replyMemoryLimit = replyMemoryLimit;
    copy.deleteInterval = deleteInterval;
    copy.callbackExecutor = callbackExecutor;
    copy.meterRegistry = meterRegistry;
    copy.clock = clock;
    return copy;
  }

  static void checkTimeout(String name, Duration timeout) {
    between(name, timeout, Duration.ofMillis(1), MAX_TIMEOUT);
  }

  static void between(String name, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, name + " cannot be null");
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + value);
    }
  }
}
