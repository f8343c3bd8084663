/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import dev.sqsx.consumer.MessageObserver;
import dev.sqsx.consumer.MessageObserver.Outcome;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * Moves a message to the dead-letter queue on purpose, with the reason: sends it there first, and
 * deletes the original only after the send succeeded (with the plain receipt handle, so a payload
 * that the extended client offloaded stays where it is: the pointer moves with the message).
 */
public final class DeadLetters {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private final SqsAsyncClient sqs;
  private final String queueUrl;
  private final String dlqUrl;
  private final boolean fifo;
  private final Counters counters;

  public DeadLetters(
      SqsAsyncClient sqs, String queueUrl, String dlqUrl, boolean fifo, Counters counters) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.dlqUrl = dlqUrl;
    this.fifo = fifo;
    this.counters = counters;
  }

  public String dlqUrl() {
    return dlqUrl;
  }

  /**
   * Sends the message to the DLQ and deletes the original. Completes with true when both succeeded;
   * with false (after logging) when the send failed and the original was left alone.
   */
  public CompletableFuture<Boolean> send(Lease lease, Throwable error) {
    Message message = lease.message();
    String originalHandle =
        OffloadedMessages.mayBeOffloaded(message.receiptHandle())
            ? OffloadedMessages.sqsReceiptHandle(message.receiptHandle())
            : message.receiptHandle();
    return send(lease, DeadLetterMessage.forFailed(lease.received(), error, dlqUrl, fifo))
        .thenApply(sent -> true)
        .exceptionally(
            sendError -> {
              LOG.error(
                  "could not send message {} from {} to its DLQ {} ({}); it stays in the queue",
                  message.messageId(),
                  queueUrl,
                  dlqUrl,
                  sendError.toString());
              return false;
            })
        .thenCompose(
            sent ->
                sent
                    ? deleteOriginal(lease, originalHandle, error)
                    : CompletableFuture.completedFuture(false));
  }

  /**
   * Sends with the message's observation current (the run's span, when traced), so that an
   * instrumented SDK's span of this send belongs to the message's trace.
   */
  private CompletableFuture<SendMessageResponse> send(Lease lease, SendMessageRequest request) {
    MessageObserver.Scope scope = Observing.open(lease.observation(), queueUrl);
    try {
      return sqs.sendMessage(request);
    } finally {
      Observing.close(scope, queueUrl);
    }
  }

  private CompletableFuture<Boolean> deleteOriginal(Lease lease, String handle, Throwable error) {
    return sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(handle))
        .handle(
            (deleted, deleteError) -> {
              if (deleteError != null) {
                LOG.error(
                    "message {} was sent to DLQ {} but could not be deleted from {} ({}): it will"
                        + " be seen again",
                    lease.messageId(),
                    dlqUrl,
                    queueUrl,
                    deleteError.toString());
                lease.settled(
                    Outcome.DEAD_LETTERED,
                    "sent to " + dlqUrl + ", the original not deleted: " + deleteError);
              } else {
                counters.deadLettered();
                LOG.warn(
                    "moved message {} from {} to DLQ {} after attempt {}: {}",
                    lease.messageId(),
                    queueUrl,
                    dlqUrl,
                    lease.received().attempt(),
                    error.toString());
                lease.settled(Outcome.DEAD_LETTERED, dlqUrl);
              }
              return true;
            });
  }
}
