/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.lambda.internal;

import dev.sqsx.consumer.DeadLetterRequest;
import dev.sqsx.consumer.internal.Lease;
import dev.sqsx.consumer.internal.Settlement;
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
     * Sent to the DLQ by sqsx: reported successful; its payload stays (the DLQ copy points to it).
     */
    DEAD_LETTERED,
    /** Reported in {@code batchItemFailures}: it comes back. */
    FAILED
  }

  private final boolean fifo;
  private final SqsClient sqs;
  private final String deadLetterQueueUrl;
  private final Map<String, Report> reports = new ConcurrentHashMap<>();
  private final Map<String, Lease> succeeded = new ConcurrentHashMap<>();
  private final Set<String> heldGroups = ConcurrentHashMap.newKeySet();

  /**
   * @param sqs the client dead letters are sent with, or null
   * @param deadLetterQueueUrl where to dead-letter, or null when sqsx does not
   */
  public Invocation(boolean fifo, SqsClient sqs, String deadLetterQueueUrl) {
    this.fifo = fifo;
    this.sqs = sqs;
    this.deadLetterQueueUrl = sqs == null ? null : deadLetterQueueUrl;
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
    try {
      sqs.sendMessage(DeadLetterRequest.of(lease.received(), error, deadLetterQueueUrl));
    } catch (RuntimeException e) {
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
    report(lease.messageId(), Report.DEAD_LETTERED);
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

  /** The records reported successful because they were handled (not dead-lettered). */
  public List<Lease> succeeded() {
    List<Lease> done = new ArrayList<>();
    succeeded.forEach(
        (id, lease) -> {
          if (reports.get(id) == Report.SUCCEEDED) {
            done.add(lease);
          }
        });
    return done;
  }

  /**
   * Records a report; false when an earlier one stands. The same message id may come twice in one
   * event: failed stays failed (the record comes back), and a dead-lettered record is never turned
   * into a handled one (its DLQ copy points to its payload, which must stay).
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
