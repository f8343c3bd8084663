/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * Told about every received message whose payload could not be resolved.
 *
 * <p>A client has one ({@code resolutionListener}, told about the failures of every receive); a
 * receive request may carry one more, told about that receive's failures only ({@link #attachTo}):
 * that is how a caller learns which failures its own receive hit when several callers share one
 * client.
 *
 * <p>Called on the thread that completes the receive (for the async client, an SDK or store
 * thread): keep it short and non-blocking. An exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface PayloadResolutionListener {

  /** Called once per failed message of a receive. */
  void onFailure(PayloadResolutionFailure failure);

  /**
   * A copy of {@code request} that carries this listener: both extended clients report each failure
   * of that receive to the client's listener, then to this one. The listener travels as an
   * execution attribute of the request's override configuration (the rest of which is kept); a
   * client that is not an sqsx extended client ignores it. Attaching another listener replaces this
   * one.
   */
  default ReceiveMessageRequest attachTo(ReceiveMessageRequest request) {
    AwsRequestOverrideConfiguration.Builder override =
        request
            .overrideConfiguration()
            .map(AwsRequestOverrideConfiguration::toBuilder)
            .orElseGet(AwsRequestOverrideConfiguration::builder);
    return request.toBuilder()
        .overrideConfiguration(
            override.putExecutionAttribute(Failures.RECEIVE_LISTENER, this).build())
        .build();
  }

  /**
   * The default: a WARN log line with the queue URL, message id and error (never the body), on the
   * logger {@code dev.sqsx.extended.PayloadResolutionListener}.
   */
  static PayloadResolutionListener logging() {
    Logger log = LoggerFactory.getLogger(PayloadResolutionListener.class);
    return failure ->
        log.warn(
            "payload of message {} from {} not resolved ({}): {}",
            failure.messageId(),
            failure.queueUrl(),
            failure.deleted() ? "message deleted: ignorePayloadNotFound" : "left for redelivery",
            failure.error().getMessage());
  }
}
