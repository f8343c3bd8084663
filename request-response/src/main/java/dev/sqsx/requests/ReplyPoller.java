/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * A requester's long-poll loops on its reply queue: each receive's replies are routed to their
 * requests by correlation id, and handed to {@link ReplyDeletes} (batched deletes, whatever became
 * of them). A failed receive is retried after 1 s; the loops end when the requester stops, or when
 * their queue is gone and the requester was told (it replaces a queue it created).
 */
final class ReplyPoller {

  /** Completes a request's future (on the receiving thread, or on the callback executor). */
  @FunctionalInterface
  interface Completion {
    void complete(ReplyRouter.Pending pending, Reply reply, Throwable error);
  }

  private static final Logger LOG = LoggerFactory.getLogger(SqsRequester.class);

  private final SqsAsyncClient sqs;
  private final String url;
  private final Duration waitTime;
  private final ReplyRouter router;
  private final LongAdder receives;
  private final LongConsumer roundTrips;
  private final Completion completion;
  private final BooleanSupplier running;
  private final ScheduledExecutorService scheduler;
  private final UnaryOperator<ReceiveMessageRequest> receiveRequests;
  private final java.util.function.Consumer<String> queueGone;
  private final ReplyDeletes deletes;

  ReplyPoller(
      SqsAsyncClient sqs,
      String url,
      Duration waitTime,
      ReplyRouter router,
      LongAdder receives,
      LongConsumer roundTrips,
      Completion completion,
      BooleanSupplier running,
      ScheduledExecutorService scheduler,
      java.util.function.Consumer<String> queueGone,
      ReplyDeletes deletes) {
    this.sqs = sqs;
    this.url = url;
    this.waitTime = waitTime;
    this.router = router;
    this.receives = receives;
    this.roundTrips = roundTrips;
    this.completion = completion;
    this.running = running;
    this.scheduler = scheduler;
    this.receiveRequests = UnreadableReplies.receivesOf(this);
    this.queueGone = queueGone;
    this.deletes = deletes;
  }

  ReplyDeletes deletes() {
    return deletes;
  }

  /** Starts one loop: receive, route, and again, until the requester stops. */
  void poll() {
    if (!running.getAsBoolean()) {
      return;
    }
    var unused =
        sqs.receiveMessage(
                receiveRequests.apply(
                    ReceiveMessageRequest.builder()
                        .queueUrl(url)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds((int) waitTime.toSeconds())
                        .messageAttributeNames("All")
                        .build()))
            .whenComplete(
                (response, error) -> {
                  if (error != null) {
                    if (running.getAsBoolean()) {
                      Throwable cause = SqsRequester.unwrap(error);
                      if (cause instanceof QueueDoesNotExistException && queueGone != null) {
                        queueGone.accept(url); // the requester replaces it; this loop ends
                        return;
                      }
                      LOG.warn(
                          "receive on reply queue {} failed, retrying in 1 s: {}",
                          url,
                          cause.toString());
                      if (cause instanceof QueueDoesNotExistException) {
                        LOG.error(
                            "reply queue {} does not exist any more (deleted by hand or by a sweeper"
                                + " that saw no heartbeat): the pending requests will time out",
                            url);
                      }
                      scheduleQuietly(this::poll, Duration.ofSeconds(1));
                    }
                    return;
                  }
                  receives.increment();
                  // the next receive goes out before this one's replies are delivered: their
                  // futures complete on this thread, and a dependent stage that blocks (even on
                  // another request's reply) holds up only the rest of this receive, not the loop
                  poll();
                  try {
                    route(response.messages());
                  } catch (RuntimeException e) {
                    LOG.error("routing replies from {} failed", url, e);
                  }
                });
  }

  private void route(List<Message> messages) {
    if (messages.isEmpty()) {
      return;
    }
    List<String> handles = new ArrayList<>(messages.size());
    for (Message message : messages) {
      handles.add(message.receiptHandle());
    }
    // the handles join their batch before the replies are delivered (a close() right after a
    // delivery finds them), and a batch they fill is sent after: the delete is off the replies'
    // path. A reply that comes back because its delete was late or failed is dropped by its
    // correlation id (a duplicate, or late).
    List<List<String>> full = deletes.add(handles);
    try {
      deliver(messages);
    } finally {
      deletes.sendAll(full);
    }
  }

  private void deliver(List<Message> messages) {
    ReplyRouter.Routing[] routing = new ReplyRouter.Routing[1];
    for (Message message : messages) {
      MessageAttributeValue id =
          message.messageAttributes().get(SqsRequester.CORRELATION_ID_ATTRIBUTE);
      String correlationId = id == null ? null : id.stringValue();
      ReplyRouter.Pending pending = router.route(correlationId, routing);
      if (pending != null) {
        pending.cancelTimeout();
        roundTrips.accept(System.nanoTime() - pending.startNanos);
        Map<String, MessageAttributeValue> attributes = new HashMap<>(message.messageAttributes());
        attributes.remove(SqsRequester.CORRELATION_ID_ATTRIBUTE);
        completion.complete(
            pending,
            new Reply(message.body(), attributes, message.messageId(), correlationId),
            null);
      } else {
        LOG.info(
            "reply {} on {} for request {} is {}: deleted, not delivered",
            message.messageId(),
            url,
            correlationId,
            routing[0]);
      }
    }
  }

  /**
   * A reply the extended client received but could not resolve (a malformed pointer, a payload
   * missing, not allowed or tampered with): its request, if it still waits, fails with the reason;
   * the reply is deleted with its plain receipt handle (the pointer is not followed, so no payload
   * is touched) unless the client already deleted it.
   */
  void unreadable(Message message, Exception error, boolean deleted) {
    MessageAttributeValue id =
        message.messageAttributes().get(SqsRequester.CORRELATION_ID_ATTRIBUTE);
    String correlationId = id == null ? null : id.stringValue();
    ReplyRouter.Pending pending = correlationId == null ? null : router.abandon(correlationId);
    String became;
    if (pending != null) {
      pending.cancelTimeout();
      completion.complete(
          pending,
          null,
          new RequestException(
              "the reply "
                  + message.messageId()
                  + " to request "
                  + correlationId
                  + " (sent to queue "
                  + pending.queueUrl
                  + ") came on reply queue "
                  + url
                  + " but could not be read: "
                  + error,
              pending.queueUrl,
              correlationId,
              error));
      became = "its request failed";
    } else {
      ReplyRouter.Routing[] routing = new ReplyRouter.Routing[1];
      var unused = router.route(correlationId, routing);
      became = "counted " + routing[0] + ", not delivered";
    }
    LOG.warn(
        "reply {} on {} for request {} could not be read ({}): {}, {}",
        message.messageId(),
        url,
        correlationId,
        error.toString(),
        deleted ? "already deleted" : "deleted",
        became);
    if (!deleted) {
      var unusedDelete =
          sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(message.receiptHandle()))
              .whenComplete(
                  (ok, failed) -> {
                    if (failed != null) { // counted and logged with the batched deletes' failures
                      deletes.failedElsewhere(
                          "deleting unreadable reply "
                              + message.messageId()
                              + " failed: "
                              + SqsRequester.unwrap(failed));
                    }
                  });
    }
  }

  private void scheduleQuietly(Runnable task, Duration delay) {
    try {
      var unused = scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException rejected) {
      LOG.debug("requester scheduler stopped: {}", rejected.toString());
    }
  }
}
