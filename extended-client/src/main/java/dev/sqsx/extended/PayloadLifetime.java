/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.Offloading;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The payload-lifetime rule, written once for every path that may delete a stored payload — the SQS
 * send pipeline, the SNS publishers, the receive/delete pipeline, dead-lettering and Lambda. A
 * payload must outlive every message that points to it, so it is deleted only:
 *
 * <ol>
 *   <li>after SQS confirmed the delete of the message holding the last pointer to it ({@link
 *       #mayDeleteWithMessage}), or
 *   <li>when the send or publish that would have carried it was <em>definitely</em> refused: a 4xx
 *       answer to the only attempt that may have carried it — never a 5xx, a timeout, a lost
 *       connection or an answer after retries the SDK made on its own ({@link #mayDeleteUnsent}),
 * </ol>
 *
 * <p>and never while its pointer may be shared: a payload that reached a queue through SNS (other
 * subscriptions read it too; the mark travels in the receipt handle of every copy) or that is
 * stored under a key another send may also have written (a FIFO send's stable key: an earlier
 * attempt, or the application's own retry within the deduplication window, may have enqueued a
 * pointer to the very same object). What the rule keeps is an orphan at worst, for the bucket's
 * lifecycle rule or the table's TTL; never a pointer to nothing.
 */
public final class PayloadLifetime {

  private PayloadLifetime() {}

  /**
   * Whether the payload of a send or publish that failed with {@code error} may be deleted: only
   * when the service certainly did not take it (a 4xx answer to a single attempt) and its key is
   * not {@code shared} with another send. A null {@code error} means a per-entry refusal in a batch
   * the service answered (the entry was certainly not taken).
   *
   * @param shared whether the payload's key may also be written by another send (a stable key)
   */
  public static boolean mayDeleteUnsent(Throwable error, boolean shared) {
    return !shared && (error == null || definitelyRefused(error));
  }

  /**
   * Whether a failed call certainly did not reach its effect: the service answered with a 4xx error
   * (it rejected the request, throttling included) to the one attempt made. A 5xx answer, a reset
   * connection, a timeout, or a 4xx after retries the SDK made itself (an earlier attempt may have
   * been a 5xx that took effect) leave the outcome unknown.
   */
  public static boolean definitelyRefused(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (!(cause instanceof AwsServiceException service)) {
      return false;
    }
    Integer attempts = service.numAttempts();
    return service.statusCode() >= 400
        && service.statusCode() < 500
        && (attempts == null || attempts <= 1);
  }

  /**
   * Whether the payload of a message whose delete SQS confirmed may be deleted with it: when the
   * receipt handle (as the extended clients hand it out) embeds a pointer that it does not mark
   * shared (a payload that came through SNS is read by the other subscriptions too).
   */
  public static boolean mayDeleteWithMessage(String receiptHandle) {
    return Offloading.parseHandle(receiptHandle).deletable().isPresent();
  }
}
