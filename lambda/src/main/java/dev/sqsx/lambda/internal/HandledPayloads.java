/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.lambda.internal;

import dev.sqsx.consumer.internal.Lease;
import dev.sqsx.extended.ExtendedMessages;
import dev.sqsx.extended.PayloadLifetime;
import dev.sqsx.extended.PayloadPointer;
import dev.sqsx.extended.PayloadStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;

/**
 * {@code deletePayloads} for one invocation, by the payload-lifetime rule: the records the response
 * reports handled are deleted from SQS by the function, and a payload is deleted only for a record
 * whose delete SQS confirmed. So whatever happens to the invocation afterwards (a timeout: Lambda
 * retries the batch), no message is left pointing to a deleted payload. A payload that came through
 * SNS is shared with the other subscriptions and stays. Failures are logged; an orphan is the
 * sweeper's, never a lost message.
 */
public final class HandledPayloads {

  private static final Logger LOG = LoggerFactory.getLogger(HandledPayloads.class);

  private final SqsClient sqs;
  private final PayloadStore store;
  private final int concurrency;

  public HandledPayloads(SqsClient sqs, PayloadStore store, int concurrency) {
    this.sqs = sqs;
    this.store = store;
    this.concurrency = concurrency;
  }

  /** Deletes the offloaded ones of {@code handled} from SQS, then their payloads. */
  public void delete(List<Lease> handled) {
    Map<String, List<Lease>> offloaded = new LinkedHashMap<>();
    for (Lease lease : handled) {
      if (lease.received().snsTopicArn().isEmpty()
          && PayloadLifetime.mayDeleteWithMessage(lease.receiptHandle())) {
        offloaded.computeIfAbsent(lease.received().queueUrl(), q -> new ArrayList<>()).add(lease);
      }
    }
    List<Lease> deleted = new ArrayList<>();
    offloaded.forEach((queueUrl, leases) -> deleted.addAll(deleteMessages(queueUrl, leases)));
    Workers.run(deleted.size(), concurrency, i -> deletePayload(deleted.get(i)));
  }

  /** Deletes the records from SQS, 10 per call; those SQS confirmed. */
  private List<Lease> deleteMessages(String queueUrl, List<Lease> leases) {
    List<Lease> deleted = new ArrayList<>();
    for (int from = 0; from < leases.size(); from += 10) {
      List<Lease> batch = leases.subList(from, Math.min(leases.size(), from + 10));
      List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        entries.add(
            DeleteMessageBatchRequestEntry.builder()
                .id(Integer.toString(i))
                .receiptHandle(ExtendedMessages.sqsReceiptHandle(batch.get(i).receiptHandle()))
                .build());
      }
      DeleteMessageBatchResponse response;
      try {
        response = sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
      } catch (RuntimeException e) {
        LOG.warn(
            "{} handled record(s) from {} keep their payloads: their delete failed ({})",
            batch.size(),
            queueUrl,
            e.toString());
        continue;
      }
      response.successful().forEach(ok -> deleted.add(batch.get(Integer.parseInt(ok.id()))));
      response
          .failed()
          .forEach(
              failed ->
                  LOG.warn(
                      "message {} handled, but SQS did not confirm its delete from {} ({}): its"
                          + " payload is kept",
                      batch.get(Integer.parseInt(failed.id())).messageId(),
                      queueUrl,
                      failed.code()));
    }
    return deleted;
  }

  private void deletePayload(Lease lease) {
    PayloadPointer pointer = ExtendedMessages.embeddedPointer(lease.receiptHandle()).orElseThrow();
    try {
      store.delete(pointer);
    } catch (RuntimeException e) {
      LOG.warn(
          "message {} handled and deleted, but its payload {} could not be deleted: {}",
          lease.messageId(),
          pointer,
          e.toString());
    }
  }
}
