/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The consumer's questions to SQS about its queue, asked at start and again on every refresh: the
 * queue's settings, and the URL of the dead-letter queue its redrive policy names.
 */
public final class QueueAttributes {

  private final SqsAsyncClient sqs;
  private final String queueUrl;

  public QueueAttributes(SqsAsyncClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  /** The queue's settings (one {@code GetQueueAttributes}); never throws, fails the future. */
  public CompletableFuture<QueueSettings> read() {
    try {
      return sqs.getQueueAttributes(
              r -> r.queueUrl(queueUrl).attributeNames(QueueSettings.ATTRIBUTES))
          .thenApply(response -> QueueSettings.from(response.attributes()));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The URL of the queue an ARN ({@code arn:aws:sqs:<region>:<account>:<name>}) names (one {@code
   * GetQueueUrl}); a malformed ARN fails the future with {@link IllegalArgumentException}.
   */
  public CompletableFuture<String> urlOf(String queueArn) {
    String[] parts = queueArn.split(":", -1);
    if (parts.length != 6 || !parts[2].equals("sqs")) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "malformed queue ARN '" + queueArn + "' (expected arn:aws:sqs:region:account:name)"));
    }
    try {
      return sqs.getQueueUrl(r -> r.queueName(parts[5]).queueOwnerAWSAccountId(parts[4]))
          .thenApply(response -> response.queueUrl());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
