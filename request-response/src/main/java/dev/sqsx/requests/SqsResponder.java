/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import dev.sqsx.consumer.AsyncMessageHandler;
import dev.sqsx.consumer.NonRetryableException;
import dev.sqsx.consumer.ReceivedMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The responding side: an {@link AsyncMessageHandler} for {@code SqsConsumer} that runs a {@link
 * ReplyHandler} (or {@link AsyncReplyHandler}) on each request and sends its reply to the request's
 * {@value SqsRequester#REPLY_TO_ATTRIBUTE} with its {@value SqsRequester#CORRELATION_ID_ATTRIBUTE}
 * — before the consumer deletes the request, since the handler's stage completes only once SQS
 * accepted the reply.
 *
 * <pre>{@code
 * SqsResponder responder = SqsResponder.builder().sqsClient(sqs)
 *     .handler(request -> ReplyMessage.of(price(request.body()))).build();
 * SqsConsumer.builder().sqsClient(sqs).queueUrl(requests).asyncHandler(responder).build().start();
 * }</pre>
 *
 * <p><b>Who guarantees what.</b> A failed handler or a failed reply send fails the stage, so the
 * request follows the consumer's retry and dead-letter policy. Because the reply is sent before the
 * delete, a crash (or a failed delete) in between redelivers a request that was already answered:
 * the handler runs again and a second reply goes out. The responder does not deduplicate (wrap the
 * handler in {@code IdempotentHandler} when its side effects must happen once); the <em>requester
 * </em> guarantees that it delivers at most one reply per request and drops the others by
 * correlation id. A request without a reply-to or correlation id, or whose reply-to is not an SQS
 * queue URL on the request queue's endpoint and account (or one the {@code replyTo} predicate
 * allows, when given), fails with a {@link NonRetryableException} (to the DLQ, with the reason) and
 * nothing is sent. A reply whose queue no longer exists (its requester closed or crashed) is
 * dropped and counted, and the request deleted: nobody waits for it.
 *
 * <p>With the synchronous {@link ReplyHandler}, the reply is sent on the consumer's handler thread,
 * inside the request's observation: with {@code SqsxTracing} as the consumer's observer and a
 * tracing-enabled client, the reply is sent in the request's trace. Thread-safe.
 */
public final class SqsResponder implements AsyncMessageHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SqsResponder.class);

  private final SqsAsyncClient sqs;
  private final AsyncReplyHandler handler;
  private final Predicate<String> replyTo;
  private final LongAdder replies = new LongAdder();
  private final LongAdder replyQueuesGone = new LongAdder();

  private SqsResponder(Builder builder) {
    this.sqs = Objects.requireNonNull(builder.sqs, "sqsClient cannot be null");
    if (builder.handler == null) {
      throw new IllegalArgumentException("a handler or an asyncHandler is required");
    }
    this.handler = builder.handler;
    this.replyTo = builder.replyTo; // null: the request queue's endpoint and account
  }

  /** A builder; {@code sqsClient} and one handler are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Handles one request: runs the handler, sends its reply, and completes when SQS accepted the
   * reply (the consumer then deletes the request). Never throws.
   */
  @Override
  public CompletableFuture<Void> handle(ReceivedMessage request) {
    String target = stringAttribute(request, SqsRequester.REPLY_TO_ATTRIBUTE);
    String correlationId = stringAttribute(request, SqsRequester.CORRELATION_ID_ATTRIBUTE);
    if (target == null || correlationId == null) {
      return CompletableFuture.failedFuture(
          new NonRetryableException(
              "request "
                  + request.messageId()
                  + " on queue "
                  + request.queueUrl()
                  + " has no "
                  + (target == null
                      ? SqsRequester.REPLY_TO_ATTRIBUTE
                      : SqsRequester.CORRELATION_ID_ATTRIBUTE)
                  + " attribute: there is nowhere to reply"));
    }
    String refusal;
    try {
      refusal = refusal(request, target);
    } catch (RuntimeException e) { // a replyTo predicate that throws: the consumer's retry policy
      return CompletableFuture.failedFuture(e);
    }
    if (refusal != null) {
      return CompletableFuture.failedFuture(
          new NonRetryableException(
              "request "
                  + request.messageId()
                  + " on queue "
                  + request.queueUrl()
                  + " asks for a reply to "
                  + ReplyTargets.shown(target)
                  + ", which "
                  + refusal));
    }
    CompletionStage<ReplyMessage> reply;
    try {
      reply = handler.handle(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (reply == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "the handler returned no stage for request " + request.messageId()));
    }
    return reply
        .thenCompose(message -> send(request, target, correlationId, message))
        .toCompletableFuture();
  }

  private CompletableFuture<Void> send(
      ReceivedMessage request, String target, String correlationId, ReplyMessage reply) {
    if (reply == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "the handler returned a null reply for request "
                  + request.messageId()
                  + " on queue "
                  + request.queueUrl()));
    }
    if (reply.attributes().containsKey(SqsRequester.CORRELATION_ID_ATTRIBUTE)) {
      return CompletableFuture.failedFuture(
          new NonRetryableException(
              "the reply to request "
                  + request.messageId()
                  + " sets "
                  + SqsRequester.CORRELATION_ID_ATTRIBUTE
                  + ", which the responder sets"));
    }
    Map<String, MessageAttributeValue> attributes = new HashMap<>(reply.attributes());
    attributes.put(
        SqsRequester.CORRELATION_ID_ATTRIBUTE,
        MessageAttributeValue.builder().dataType("String").stringValue(correlationId).build());
    SendMessageRequest.Builder send =
        SendMessageRequest.builder()
            .queueUrl(target)
            .messageBody(reply.body())
            .messageAttributes(attributes);
    if (target.endsWith(".fifo")) {
      // a reply to a redelivered request is deduplicated by SQS within its 5-minute window
      send.messageGroupId(correlationId).messageDeduplicationId(correlationId);
    }
    return sqs.sendMessage(send.build())
        .thenAccept(sent -> replies.increment())
        .exceptionallyCompose(
            error -> {
              Throwable cause = SqsRequester.unwrap(error);
              if (cause instanceof QueueDoesNotExistException) {
                replyQueuesGone.increment();
                LOG.warn(
                    "reply queue {} of request {} (queue {}) does not exist: its requester closed"
                        + " or crashed; the reply is dropped and the request deleted",
                    target,
                    request.messageId(),
                    request.queueUrl());
                return CompletableFuture.completedFuture(null);
              }
              return CompletableFuture.failedFuture(
                  new RequestException(
                      "cannot send the reply to request "
                          + request.messageId()
                          + " (queue "
                          + request.queueUrl()
                          + ") to "
                          + target
                          + ": "
                          + cause,
                      target,
                      correlationId,
                      cause));
            });
  }

  /** Why the responder will not reply to {@code target}, or null when it may. */
  private String refusal(ReceivedMessage request, String target) {
    if (ReplyTargets.parse(target) == null) {
      return "is not an SQS queue URL (http(s)://host[:port]/<account>/<queue name>, no user info,"
          + " query or fragment)";
    }
    if (replyTo != null) {
      return replyTo.test(target) ? null : "the responder's replyTo predicate refuses";
    }
    return ReplyTargets.sameEndpointAndAccount(request.queueUrl(), target)
        ? null
        : "is not a queue of the request queue's endpoint and account (allow other queues with"
            + " SqsResponder.Builder.replyTo)";
  }

  private static String stringAttribute(ReceivedMessage request, String name) {
    MessageAttributeValue value = request.messageAttributes().get(name);
    return value == null || value.stringValue() == null || value.stringValue().isEmpty()
        ? null
        : value.stringValue();
  }

  /** Replies SQS accepted. */
  public long repliesSent() {
    return replies.sum();
  }

  /** Replies dropped because their reply queue no longer existed. */
  public long replyQueuesGone() {
    return replyQueuesGone.sum();
  }

  /** Builds an {@link SqsResponder}. */
  public static final class Builder {
    private SqsAsyncClient sqs;
    private AsyncReplyHandler handler;
    private Predicate<String> replyTo;

    private Builder() {}

    /**
     * The client replies are sent with — the extended client offloads large replies (never closed
     * by the responder).
     */
    public Builder sqsClient(SqsAsyncClient sqsClient) {
      this.sqs = sqsClient;
      return this;
    }

    /** A blocking handler, run on the consumer's handler thread. */
    public Builder handler(ReplyHandler handler) {
      Objects.requireNonNull(handler, "handler cannot be null");
      this.handler =
          request -> {
            try {
              return CompletableFuture.completedFuture(handler.handle(request));
            } catch (Exception e) {
              return CompletableFuture.failedFuture(e);
            }
          };
      return this;
    }

    /** A non-blocking handler. */
    public Builder asyncHandler(AsyncReplyHandler handler) {
      this.handler = Objects.requireNonNull(handler, "asyncHandler cannot be null");
      return this;
    }

    /**
     * Which reply-to queue URLs may be replied to, in place of the default: only queues on the
     * request queue's endpoint (scheme, host and port) and in its account. A request is input from
     * whoever may send to the queue, so by default a sender can direct replies neither to another
     * account nor to another host. Give a predicate to widen that (a partner account's queues) or
     * narrow it (only your reply queues' prefix, so that replies cannot be injected into other
     * queues of your account). Whatever it says, a reply-to that is not an SQS queue URL ({@code
     * http(s)://host[:port]/<account>/<queue name>}, no user info, query or fragment) is refused. A
     * refused request fails with a {@link NonRetryableException}: to the DLQ with the reason.
     */
    public Builder replyTo(Predicate<String> allowed) {
      this.replyTo = Objects.requireNonNull(allowed, "replyTo cannot be null");
      return this;
    }

    /** Builds the responder. */
    public SqsResponder build() {
      return new SqsResponder(this);
    }
  }
}
