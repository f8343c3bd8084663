/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * FIFO groups whose message failed before it reached the dispatcher (an unresolvable payload: the
 * extended client leaves it out of its receive's answer): group → the failed message's sequence
 * number and the receives that were in flight when it failed (its own among them). A later message
 * of the group in one of those receives is released, not run before it; receives sent later come
 * from SQS after the failed message, so the block ends when those have answered. Thread-safe.
 */
final class FifoBlocks {

  private record BlockedGroup(BigInteger sequenceNumber, Set<Long> receives) {}

  private final Map<String, BlockedGroup> blocked = new HashMap<>();

  /** Blocks the failed message's group for the receives in flight now. */
  synchronized void block(Message failed, Set<Long> receivesInFlight) {
    BigInteger sequence = sequenceNumber(failed);
    String group = failed.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
    if (sequence == null || group == null || receivesInFlight.isEmpty()) {
      return;
    }
    blocked.merge(
        group,
        new BlockedGroup(sequence, new HashSet<>(receivesInFlight)),
        (old, fresh) -> {
          fresh.receives().addAll(old.receives());
          return old.sequenceNumber().compareTo(fresh.sequenceNumber()) <= 0
              ? new BlockedGroup(old.sequenceNumber(), fresh.receives())
              : fresh;
        });
  }

  /**
   * Whether a message of receive {@code receiveId} comes after a failed one of its group; call
   * {@link #answered} once the whole receive has been checked.
   */
  synchronized boolean isBehindABlock(Message message, long receiveId) {
    if (blocked.isEmpty()) {
      return false;
    }
    BlockedGroup block =
        blocked.get(message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
    BigInteger sequence = sequenceNumber(message);
    return block != null
        && block.receives().contains(receiveId)
        && sequence != null
        && sequence.compareTo(block.sequenceNumber()) > 0;
  }

  /** Receive {@code receiveId} has answered: blocks waiting only for it end. */
  synchronized void answered(long receiveId) {
    if (!blocked.isEmpty()) {
      blocked.values().forEach(block -> block.receives().remove(receiveId));
      blocked.values().removeIf(block -> block.receives().isEmpty());
    }
  }

  private static BigInteger sequenceNumber(Message message) {
    String sequence = message.attributes().get(MessageSystemAttributeName.SEQUENCE_NUMBER);
    try {
      return sequence == null ? null : new BigInteger(sequence);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
