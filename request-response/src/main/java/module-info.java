/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * sqsx's request–response over SQS: {@code SqsRequester} sends requests and completes a future
 * with each reply, routed by correlation id from one reply queue per requester; {@code
 * SqsResponder} is a handler for {@code SqsConsumer} that sends the reply before the request is
 * deleted; {@code ReplyQueueSweeper} deletes the reply queues of requesters that crashed. Only
 * {@code dev.sqsx.requests} is exported. Micrometer is optional.
 */
module dev.sqsx.requests {
  requires transitive dev.sqsx.consumer;
  requires transitive software.amazon.awssdk.services.sqs;
  requires transitive software.amazon.awssdk.core;
  requires software.amazon.awssdk.awscore;
  requires java.management;
  requires org.slf4j;
  requires static micrometer.core;
  requires static dev.sqsx.extended;

  exports dev.sqsx.requests;
}
