/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;

/**
 * Moves dead-lettered messages back — the operator's "replay the DLQ" button — through SQS's
 * message move tasks ({@code StartMessageMoveTask}, {@code ListMessageMoveTasks}, {@code
 * CancelMessageMoveTask}).
 *
 * <pre>{@code
 * DeadLetterRedrive redrive = DeadLetterRedrive.of(sqsAsyncClient);
 * String task = redrive.start(dlqArn).join();            // back to the queues they came from
 * redrive.list(dlqArn).join();                             // progress
 * }</pre>
 *
 * <p>Thread-safe; every method returns a future and never throws. The client is not closed.
 */
public final class DeadLetterRedrive {

  /**
   * One move task.
   *
   * @param taskHandle the handle to cancel it with (present while it runs)
   * @param status {@code RUNNING}, {@code COMPLETED}, {@code CANCELLING}, {@code CANCELLED} or
   *     {@code FAILED}
   * @param moved messages moved so far
   * @param toMove messages to move, when SQS knows
   * @param failureReason why it failed, when it did
   */
  public record MoveTask(
      String taskHandle, String status, long moved, Long toMove, String failureReason) {}

  private final SqsAsyncClient sqs;

  private DeadLetterRedrive(SqsAsyncClient sqs) {
    this.sqs = sqs;
  }

  /** A redrive helper over the client. */
  public static DeadLetterRedrive of(SqsAsyncClient sqs) {
    return new DeadLetterRedrive(Objects.requireNonNull(sqs, "sqs cannot be null"));
  }

  /**
   * Moves every message of the DLQ back to the queue it came from; completes with the task handle.
   */
  public CompletableFuture<String> start(String dlqArn) {
    return start(dlqArn, null, null);
  }

  /**
   * Moves the DLQ's messages to {@code destinationArn} (null: back to their source queues), at most
   * {@code maxPerSecond} a second (null: as fast as SQS goes).
   */
  public CompletableFuture<String> start(
      String dlqArn, String destinationArn, Integer maxPerSecond) {
    try {
      return sqs.startMessageMoveTask(
              r ->
                  r.sourceArn(dlqArn)
                      .destinationArn(destinationArn)
                      .maxNumberOfMessagesPerSecond(maxPerSecond))
          .thenApply(response -> response.taskHandle());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The most recent move tasks of a DLQ (SQS keeps the last 10). */
  public CompletableFuture<List<MoveTask>> list(String dlqArn) {
    try {
      return sqs.listMessageMoveTasks(r -> r.sourceArn(dlqArn).maxResults(10))
          .thenApply(
              response ->
                  response.results().stream()
                      .map(DeadLetterRedrive::task)
                      .collect(Collectors.toList()));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Cancels a running task; completes with the number of messages it had moved. */
  public CompletableFuture<Long> cancel(String taskHandle) {
    try {
      return sqs.cancelMessageMoveTask(r -> r.taskHandle(taskHandle))
          .thenApply(response -> response.approximateNumberOfMessagesMoved());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static MoveTask task(ListMessageMoveTasksResultEntry entry) {
    return new MoveTask(
        entry.taskHandle(),
        entry.status(),
        entry.approximateNumberOfMessagesMoved() == null
            ? 0
            : entry.approximateNumberOfMessagesMoved(),
        entry.approximateNumberOfMessagesToMove(),
        entry.failureReason());
  }
}
