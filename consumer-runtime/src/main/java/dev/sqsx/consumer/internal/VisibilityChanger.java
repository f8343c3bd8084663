/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToIntFunction;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;

/**
 * Changes the visibility of many messages with {@code ChangeMessageVisibilityBatch}, 10 per call,
 * and reports each message's outcome. Used to extend leases, to release messages (timeout 0) and to
 * back off failed ones.
 */
public final class VisibilityChanger {

  /** One message's outcome: accepted, or SQS's error for it (or the call's exception). */
  public record Outcome(
      Lease lease, int timeoutSeconds, BatchResultErrorEntry error, Throwable failure) {
    boolean accepted() {
      return error == null && failure == null;
    }

    /** SQS says the receipt handle is no good any more: the message is no longer ours. */
    boolean handleRejected() {
      return error != null && error.senderFault();
    }

    String reason() {
      return error != null ? error.code() + ": " + error.message() : String.valueOf(failure);
    }
  }

  private static final int BATCH = 10;

  private final SqsAsyncClient sqs;
  private final String queueUrl;

  public VisibilityChanger(SqsAsyncClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  /** What a timeout function returns for a lease that needs no change any more. */
  public static final int SKIP = -1;

  /** For each receipt handle, the last change asked for and not yet answered. */
  private final Map<String, CompletableFuture<Void>> lastChange = new HashMap<>();

  /**
   * Sets each lease's visibility timeout; never fails (failures are outcomes). Changes of one
   * receipt handle land in the order they were asked for: a change waits until the handle's
   * previous one has been answered, so an extension in flight cannot land after a release (or a
   * backoff) and hide the message again. {@code timeout} is asked when the change is sent; a lease
   * for which it returns {@link #SKIP} is left out.
   */
  public CompletableFuture<List<Outcome>> change(List<Lease> leases, ToIntFunction<Lease> timeout) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    List<CompletableFuture<Void>> before = new ArrayList<>();
    synchronized (lastChange) {
      for (Lease lease : leases) {
        CompletableFuture<Void> previous = lastChange.put(lease.receiptHandle(), done);
        if (previous != null) {
          before.add(previous);
        }
      }
    }
    return CompletableFuture.allOf(before.toArray(CompletableFuture[]::new))
        .thenCompose(ready -> send(leases, timeout))
        .whenComplete(
            (outcomes, error) -> {
              synchronized (lastChange) {
                leases.forEach(lease -> lastChange.remove(lease.receiptHandle(), done));
              }
              done.complete(null);
            });
  }

  private CompletableFuture<List<Outcome>> send(List<Lease> leases, ToIntFunction<Lease> timeout) {
    List<CompletableFuture<List<Outcome>>> calls = new ArrayList<>();
    for (int from = 0; from < leases.size(); from += BATCH) {
      calls.add(changeBatch(leases.subList(from, Math.min(leases.size(), from + BATCH)), timeout));
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<Outcome> outcomes = new ArrayList<>();
              calls.forEach(call -> outcomes.addAll(call.join()));
              return outcomes;
            });
  }

  private CompletableFuture<List<Outcome>> changeBatch(
      List<Lease> batch, ToIntFunction<Lease> timeout) {
    List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
    Map<String, Lease> byId = new HashMap<>();
    Map<String, Integer> timeouts = new HashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      Lease lease = batch.get(i);
      String id = Integer.toString(i);
      int seconds = timeout.applyAsInt(lease);
      if (seconds == SKIP) {
        continue;
      }
      byId.put(id, lease);
      timeouts.put(id, seconds);
      entries.add(
          ChangeMessageVisibilityBatchRequestEntry.builder()
              .id(id)
              .receiptHandle(lease.receiptHandle())
              .visibilityTimeout(seconds)
              .build());
    }
    if (entries.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    CompletableFuture<List<Outcome>> result;
    try {
      result =
          sqs.changeMessageVisibilityBatch(r -> r.queueUrl(queueUrl).entries(entries))
              .thenApply(
                  response -> {
                    List<Outcome> outcomes = new ArrayList<>();
                    response
                        .successful()
                        .forEach(
                            ok ->
                                outcomes.add(
                                    new Outcome(
                                        byId.get(ok.id()), timeouts.get(ok.id()), null, null)));
                    response
                        .failed()
                        .forEach(
                            bad ->
                                outcomes.add(
                                    new Outcome(
                                        byId.get(bad.id()), timeouts.get(bad.id()), bad, null)));
                    return outcomes;
                  });
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.exceptionally(
        error -> {
          List<Outcome> outcomes = new ArrayList<>();
          byId.forEach(
              (id, lease) -> outcomes.add(new Outcome(lease, timeouts.get(id), null, error)));
          return outcomes;
        });
  }
}
