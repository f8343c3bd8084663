/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.lambda.internal;

import dev.sqsx.consumer.DeadLetterRequest;
import dev.sqsx.consumer.internal.Lease;
import dev.sqsx.consumer.internal.Settlement;
import dev.sqsx.extended.ExtendedMessages;
import dev.sqsx.extended.PayloadLifetime;
import dev.sqsx.extended.PayloadPointer;
import dev.sqsx.extended.PayloadStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * How one Lambda invocation carries out the {@link Settlement} core's decisions: a delete is a
 * record reported successful, a retry, a kept or a released record one reported failed (it comes
 * back after its visibility timeout), a dead letter is sent by sqsx and its record reported done. A
 * failed FIFO record holds its group for the rest of the invocation. Thread-safe: the invocation's
 * workers settle records side by side.
 */
public final class Invocation implements Settlement.Effects {

  private static final Logger LOG = LoggerFactory.getLogger(Invocation.class);

  /** What the response says of a record; a record reported failed once stays failed. */
  public enum Report {
    /** Handled: reported successful; its payload may be deleted once the response is decided. */
    SUCCEEDED,
    /**
     * Sent to the DLQ by sqsx: reported successful. An offloaded record's DLQ copy points at a
     * payload of its own (stored for it), so the record's payload goes with the record like a
     * handled one's.
     */
    DEAD_LETTERED,
    /** Reported in {@code batchItemFailures}: it comes back. */
    FAILED
  }

  private final boolean fifo;
  private final SqsClient sqs;
  private final String deadLetterQueueUrl;
  private final PayloadStore store;
  private final Map<String, Report> reports = new ConcurrentHashMap<>();
  private final Map<String, Lease> deadLettered = new ConcurrentHashMap<>();
  private final Map<String, Lease> succeeded = new ConcurrentHashMap<>();
  private final Set<String> heldGroups = ConcurrentHashMap.newKeySet();

  /**
   * @param sqs the client dead letters are sent with, or null
   * @param deadLetterQueueUrl where to dead-letter, or null when sqsx does not
   * @param store the payload store, which stores a payload of its own for the DLQ copy of an
   *     offloaded record; or null
   */
  public Invocation(boolean fifo, SqsClient sqs, String deadLetterQueueUrl, PayloadStore store) {
    this.fifo = fifo;
    this.sqs = sqs;
    this.deadLetterQueueUrl = sqs == null ? null : deadLetterQueueUrl;
    this.store = store;
  }

  @Override
  public void delete(Lease lease) {
    if (report(lease.messageId(), Report.SUCCEEDED)) {
      succeeded.put(lease.messageId(), lease);
    }
  }

  @Override
  public void retry(Lease lease, Duration delay) {
    report(lease.messageId(), Report.FAILED);
  }

  @Override
  public CompletableFuture<Boolean> deadLetter(Lease lease, Throwable error) {
    if (deadLetterQueueUrl == null) {
      return null;
    }
    SendMessageRequest request = DeadLetterRequest.of(lease.received(), error, deadLetterQueueUrl);
    PayloadPointer copy = null;
    try {
      if (ownsPayload(lease)) {
        // the DLQ copy gets a payload of its own: the record's may be deleted with the record (a
        // later success of a record whose delete did not land, or deletePayloads), and a DLQ
        // holding two copies may be drained with cleanup, without leaving a copy pointing at
        // nothing
        copy = store.storeUtf8(lease.message().body().getBytes(StandardCharsets.UTF_8), null);
        request = request.toBuilder().messageBody(ExtendedMessages.pointerBody(copy)).build();
      }
      sqs.sendMessage(request);
    } catch (RuntimeException e) {
      if (copy != null && PayloadLifetime.mayDeleteUnsent(e, false)) {
        try {
          store.delete(copy);
        } catch (RuntimeException deleteError) {
          e.addSuppressed(deleteError);
        }
      }
      LOG.error(
          "message {} from {} could not be sent to DLQ {} ({}); reported failed",
          lease.messageId(),
          lease.received().queueUrl(),
          deadLetterQueueUrl,
          e.toString());
      return CompletableFuture.completedFuture(false);
    }
    LOG.warn(
        "message {} from {} failed for good after attempt {} ({}): sent to DLQ {}",
        lease.messageId(),
        lease.received().queueUrl(),
        lease.received().attempt(),
        error.toString(),
        deadLetterQueueUrl);
    if (report(lease.messageId(), Report.DEAD_LETTERED) && copy != null) {
      deadLettered.put(lease.messageId(), lease);
    }
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public void keep(Lease lease, boolean started, String reason) {
    report(lease.messageId(), Report.FAILED);
  }

  @Override
  public void release(List<Lease> leases) {
    leases.forEach(lease -> report(lease.messageId(), Report.FAILED));
  }

  @Override
  public List<Lease> finish(Lease lease, boolean holdGroup) {
    if (fifo && holdGroup) {
      heldGroups.add(group(lease));
    }
    return List.of(); // the group's later records see the hold before they start
  }

  @Override
  public boolean groupHeld(Lease lease) {
    return fifo && !heldGroups.isEmpty() && heldGroups.contains(group(lease));
  }

  /** Whether the record with this id is reported failed (or was never settled). */
  public boolean failed(String messageId) {
    Report report = reports.get(messageId);
    return report == null || report == Report.FAILED;
  }

  /**
   * The records reported successful whose payload is theirs alone: those handled, and those
   * dead-lettered with a payload of their own for the DLQ copy.
   */
  public List<Lease> succeeded() {
    List<Lease> done = new ArrayList<>();
    succeeded.forEach(
        (id, lease) -> {
          if (reports.get(id) == Report.SUCCEEDED) {
            done.add(lease);
          }
        });
    deadLettered.forEach(
        (id, lease) -> {
          if (reports.get(id) == Report.DEAD_LETTERED) {
            done.add(lease);
          }
        });
    return done;
  }

  /** Whether the record is offloaded with a payload of its own (not one shared through SNS). */
  private boolean ownsPayload(Lease lease) {
    return store != null
        && lease.received().snsTopicArn().isEmpty()
        && PayloadLifetime.mayDeleteWithMessage(lease.receiptHandle());
  }

  /**
   * Records a report; false when an earlier one stands. The same message id may come twice in one
   * event: failed stays failed (the record comes back), and a dead-lettered record stays
   * dead-lettered (not reported handled).
   */
  private boolean report(String messageId, Report report) {
    Report now = reports.merge(messageId, report, Invocation::stronger);
    return now == report;
  }

  private static Report stronger(Report old, Report fresh) {
    if (old == Report.FAILED || fresh == Report.FAILED) {
      return Report.FAILED;
    }
    return old == Report.DEAD_LETTERED ? old : fresh;
  }

  private static String group(Lease lease) {
    return lease
        .message()
        .attributes()
        .getOrDefault(MessageSystemAttributeName.MESSAGE_GROUP_ID, "");
  }
}
