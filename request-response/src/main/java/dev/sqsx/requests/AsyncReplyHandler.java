/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import dev.sqsx.consumer.ReceivedMessage;
import java.util.concurrent.CompletionStage;

/**
 * A non-blocking request handler: the stage completes with the reply, or exceptionally when the
 * request was not handled (it is then retried by the consumer's failure policy, and no reply is
 * sent). An exception thrown instead of returned counts as a failed stage.
 *
 * <p>May be called more than once for one request (SQS delivers at least once): the requester keeps
 * the first reply and drops the others.
 */
@FunctionalInterface
public interface AsyncReplyHandler {

  /** Starts handling one request; the stage's reply must not be null. */
  CompletionStage<ReplyMessage> handle(ReceivedMessage request);
}
