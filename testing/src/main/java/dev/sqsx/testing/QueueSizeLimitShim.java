/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Gives embedded queues a {@code MaximumMessageSize}, which ElasticMQ 1.7.1 ignores (accepted on
 * create, never stored, never answered: every queue takes up to 1,048,576 bytes). An SDK
 * interceptor for a test's SQS client — every request still goes to ElasticMQ — that makes the
 * queues declared here behave as SQS does with that limit: {@code GetQueueAttributes} (asking for
 * {@code MaximumMessageSize} or {@code All}) answers it, and a {@code SendMessage} or {@code
 * SendMessageBatch} with a message over it is refused as SQS refuses it ({@code
 * InvalidParameterValue}, 400) before it reaches ElasticMQ. A message's size is counted as SQS
 * counts it: the body's UTF-8 bytes plus, per message attribute, its name, data type and value.
 * Counts the limit reads and the refusals per queue.
 *
 * <pre>{@code
 * QueueSizeLimitShim limits = new QueueSizeLimitShim();
 * SqsClient sqs = endpoints.configure(SqsClient.builder(), endpoints.sqsEndpoint())
 *     .overrideConfiguration(c -> c.addExecutionInterceptor(limits))
 *     .build();
 * String queueUrl = aws.createQueue();
 * limits.declare(queueUrl, 262_144);              // this queue now refuses 262,145 bytes
 * }</pre>
 *
 * <p>Queues not declared are left alone. Thread-safe; one shim may serve several clients. A test
 * utility: it changes requests and answers on the client side only, so only clients that carry it
 * see the limit.
 */
public final class QueueSizeLimitShim implements ExecutionInterceptor {

  private final Map<String, Integer> limits = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();

  /** A shim with no queue declared yet. */
  public QueueSizeLimitShim() {}

  /**
   * Makes {@code queueUrl} a queue whose {@code MaximumMessageSize} is {@code limit} (SQS allows
   * 1,024..1,048,576), for the clients carrying this shim; declaring it again changes the limit.
   *
   * @return this shim
   */
  public QueueSizeLimitShim declare(String queueUrl, int limit) {
    limits.put(queueUrl, limit);
    return this;
  }

  /**
   * Refuses a batch entry over its queue's limit alone, as a failed entry ({@code
   * InvalidParameterValue}), instead of the whole request; the batch must keep an entry that fits.
   */
  public QueueSizeLimitShim refuseEntriesAlone() {
    entriesAlone = true;
    return this;
  }

  private volatile boolean entriesAlone;

  private static final ExecutionAttribute<List<BatchResultErrorEntry>> REFUSED_ENTRIES =
      new ExecutionAttribute<>("refusedEntries");

  /** How many {@code GetQueueAttributes} calls asked for the queue's limit so far. */
  public int reads(String queueUrl) {
    return reads.computeIfAbsent(queueUrl, url -> new AtomicInteger()).get();
  }

  /**
   * How many sends to the queue were refused for a message over its limit so far (a refused batch
   * counts once per refused entry with {@link #refuseEntriesAlone()}, else once per entry over).
   */
  public int refused(String queueUrl) {
    return refused.computeIfAbsent(queueUrl, url -> new AtomicInteger()).get();
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    if (request instanceof SendMessageRequest send) {
      check(send.queueUrl(), messageSize(send.messageBody(), send.messageAttributes()));
    } else if (request instanceof SendMessageBatchRequest batch && !entriesAlone) {
      for (SendMessageBatchRequestEntry entry : batch.entries()) {
        check(batch.queueUrl(), messageSize(entry.messageBody(), entry.messageAttributes()));
      }
    } else if (request instanceof GetQueueAttributesRequest get && asksForLimit(get)) {
      reads.computeIfAbsent(get.queueUrl(), url -> new AtomicInteger()).incrementAndGet();
    }
  }

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    if (!entriesAlone || !(context.request() instanceof SendMessageBatchRequest batch)) {
      return context.request();
    }
    Integer limit = limits.get(batch.queueUrl());
    if (limit == null) {
      return context.request();
    }
    List<SendMessageBatchRequestEntry> kept = new ArrayList<>();
    List<BatchResultErrorEntry> failed = new ArrayList<>();
    for (SendMessageBatchRequestEntry entry : batch.entries()) {
      if (messageSize(entry.messageBody(), entry.messageAttributes()) > limit) {
        refused.computeIfAbsent(batch.queueUrl(), url -> new AtomicInteger()).incrementAndGet();
        failed.add(
            BatchResultErrorEntry.builder()
                .id(entry.id())
                .senderFault(true)
                .code("InvalidParameterValue")
                .message(
                    "One or more parameters are invalid. Reason: Message must be shorter than "
                        + limit
                        + " bytes.")
                .build());
      } else {
        kept.add(entry);
      }
    }
    attributes.putAttribute(REFUSED_ENTRIES, failed);
    return batch.toBuilder().entries(kept).build();
  }

  @Override
  public SdkResponse modifyResponse(
      Context.ModifyResponse context, ExecutionAttributes attributes) {
    List<BatchResultErrorEntry> refusedEntries = attributes.getAttribute(REFUSED_ENTRIES);
    if (refusedEntries != null
        && !refusedEntries.isEmpty()
        && context.response() instanceof SendMessageBatchResponse response) {
      List<BatchResultErrorEntry> failed = new ArrayList<>(response.failed());
      failed.addAll(refusedEntries);
      return response.toBuilder().failed(failed).build();
    }
    if (context.request() instanceof GetQueueAttributesRequest get
        && context.response() instanceof GetQueueAttributesResponse response
        && limits.containsKey(get.queueUrl())
        && asksForLimit(get)) {
      Map<String, String> answered = new HashMap<>(response.attributesAsStrings());
      answered.put("MaximumMessageSize", Integer.toString(limits.get(get.queueUrl())));
      return response.toBuilder().attributesWithStrings(answered).build();
    }
    return context.response();
  }

  private static boolean asksForLimit(GetQueueAttributesRequest request) {
    List<QueueAttributeName> names = request.attributeNames();
    return names.contains(QueueAttributeName.MAXIMUM_MESSAGE_SIZE)
        || names.contains(QueueAttributeName.ALL);
  }

  /** SQS's message size: the body's UTF-8 bytes plus each attribute's name, type and value. */
  static long messageSize(String body, Map<String, MessageAttributeValue> attributes) {
    long size = utf8Length(body);
    for (Map.Entry<String, MessageAttributeValue> attribute : attributes.entrySet()) {
      MessageAttributeValue value = attribute.getValue();
      size += utf8Length(attribute.getKey()) + utf8Length(value.dataType());
      size += utf8Length(value.stringValue());
      SdkBytes binary = value.binaryValue();
      if (binary != null) {
        size += binary.asByteArrayUnsafe().length;
      }
    }
    return size;
  }

  private static long utf8Length(String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }

  private void check(String queueUrl, long size) {
    Integer limit = limits.get(queueUrl);
    if (limit != null && size > limit) {
      refused.computeIfAbsent(queueUrl, url -> new AtomicInteger()).incrementAndGet();
      throw SqsException.builder()
          .statusCode(400)
          .message(
              "One or more parameters are invalid. Reason: Message must be shorter than "
                  + limit
                  + " bytes.")
          .awsErrorDetails(
              AwsErrorDetails.builder()
                  .errorCode("InvalidParameterValue")
                  .serviceName("Sqs")
                  .build())
          .build();
    }
  }
}
