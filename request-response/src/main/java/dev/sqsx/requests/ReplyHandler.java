/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import dev.sqsx.consumer.ReceivedMessage;

/**
 * A blocking request handler: returns the reply to a request, or throws when the request was not
 * handled (it is then retried by the consumer's failure policy, and no reply is sent).
 *
 * <p>Runs on the consumer's handler thread; it may block. Called concurrently for different
 * requests, and possibly more than once for one request (SQS delivers at least once): the requester
 * keeps the first reply and drops the others.
 */
@FunctionalInterface
public interface ReplyHandler {

  /** Handles one request and returns its reply (never null). */
  ReplyMessage handle(ReceivedMessage request) throws Exception;
}
