/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.lambda.internal;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What a function learns about its queue once, at its first invocation: the queue URL, the
 * visibility timeout and the redrive policy's {@code maxReceiveCount} — from SQS when the function
 * has a client and may call {@code GetQueueUrl} / {@code GetQueueAttributes}, else from
 * configuration. Warns once when the visibility timeout is below six times the function timeout
 * (AWS's advice for event source mappings: otherwise a batch being retried by the mapping can
 * become visible again while it is still being processed).
 */
public record QueueFacts(String queueUrl, Integer visibilitySeconds, Integer maxReceiveCount) {

  private static final Logger LOG = LoggerFactory.getLogger("dev.sqsx.lambda.LambdaConsumer");
  private static final Pattern MAX_RECEIVE_COUNT =
      Pattern.compile("\"maxReceiveCount\"\\s*:\\s*\"?(\\d+)");

  /**
   * Reads the facts of the queue {@code arn} names and checks its visibility timeout against the
   * function timeout ({@code remainingMillis} at the first invocation: the timeout, less the
   * start-up time).
   */
  public static QueueFacts read(
      SqsClient sqs,
      String arn,
      Duration configuredVisibility,
      Integer configuredMaxReceiveCount,
      long remainingMillis) {
    QueueFacts facts = fromSqs(sqs, arn, configuredVisibility, configuredMaxReceiveCount);
    long functionSeconds = (remainingMillis + 999) / 1000;
    if (remainingMillis <= 0) {
      return facts;
    }
    if (facts.visibilitySeconds() == null) {
      LOG.info(
          "visibility timeout of {} unknown (no SQS client, or GetQueueAttributes refused; set"
              + " visibilityTimeout to have it checked): keep it at least six times the function"
              + " timeout (~{} s)",
          arn,
          functionSeconds);
    } else if (facts.visibilitySeconds() < 6 * functionSeconds) {
      LOG.warn(
          "queue {} has a visibility timeout of {} s, below six times the function timeout (~{} s):"
              + " set it to at least {} s, or records of a batch the mapping retries can be"
              + " delivered again while they are still being processed",
          arn,
          facts.visibilitySeconds(),
          functionSeconds,
          6 * functionSeconds);
    }
    return facts;
  }

  private static QueueFacts fromSqs(
      SqsClient sqs, String arn, Duration configuredVisibility, Integer configuredMaxReceiveCount) {
    Integer visibility =
        configuredVisibility == null ? null : (int) configuredVisibility.toSeconds();
    if (sqs == null) {
      return new QueueFacts(Records.queueUrl(arn), visibility, configuredMaxReceiveCount);
    }
    String url = Records.queueUrl(arn);
    try {
      String found =
          sqs.getQueueUrl(
                  r ->
                      r.queueName(Records.queueName(arn))
                          .queueOwnerAWSAccountId(Records.account(arn)))
              .queueUrl();
      url = found;
      Map<QueueAttributeName, String> attributes =
          sqs.getQueueAttributes(
                  r ->
                      r.queueUrl(found)
                          .attributeNames(
                              QueueAttributeName.VISIBILITY_TIMEOUT,
                              QueueAttributeName.REDRIVE_POLICY))
              .attributes();
      return facts(found, attributes, visibility, configuredMaxReceiveCount);
    } catch (RuntimeException e) {
      LOG.info(
          "could not read the attributes of queue {} ({}); using configuration", arn, e.toString());
      return new QueueFacts(url, visibility, configuredMaxReceiveCount);
    }
  }

  private static QueueFacts facts(
      String url,
      Map<QueueAttributeName, String> attributes,
      Integer configuredVisibility,
      Integer configuredMaxReceiveCount) {
    Integer visibility = configuredVisibility;
    String seconds = attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT);
    if (visibility == null && seconds != null) {
      visibility = Integer.valueOf(seconds);
    }
    Integer maxReceiveCount = configuredMaxReceiveCount;
    String policy = attributes.get(QueueAttributeName.REDRIVE_POLICY);
    if (maxReceiveCount == null && policy != null) {
      Matcher count = MAX_RECEIVE_COUNT.matcher(policy);
      if (count.find()) {
        maxReceiveCount = Integer.valueOf(count.group(1));
      }
    }
    return new QueueFacts(url, visibility, maxReceiveCount);
  }
}
