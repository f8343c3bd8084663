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
 * deletes the original only after the send succeeded. An offloaded message whose payload is its own
 * is sent through the extended client with its body, so the DLQ copy gets a payload of its own, and
 * the original is deleted with its payload: if that delete never lands and the source later
 * succeeds, the copy still resolves. A pointer the copy shares (a payload that came through SNS, or
 * a payload that could not be resolved) moves as it is, and the original is deleted without it.
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
    // An offloaded message whose payload is its own goes to the DLQ with its body, so the extended
    // client stores a payload for the copy, and the source is then deleted with its payload; any
    // other goes as it is on the wire (a pointer the copy shares), and the source without it.
    boolean ownPayload = DeadLetterMessage.ownsPayload(message);
    String originalHandle =
        ownPayload || !OffloadedMessages.mayBeOffloaded(message.receiptHandle())
            ? message.receiptHandle()
            : OffloadedMessages.sqsReceiptHandle(message.receiptHandle());
    return send(
            lease, DeadLetterMessage.forFailed(lease.received(), error, dlqUrl, fifo, ownPayload))
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
