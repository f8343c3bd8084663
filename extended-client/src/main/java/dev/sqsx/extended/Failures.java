/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.ReceiptHandles;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/** How both clients report what went wrong after SQS answered. */
final class Failures {

  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  /**
   * Where a receive request carries a listener of its own (see {@link
   * PayloadResolutionListener#attachTo}), in its override configuration.
   */
  static final ExecutionAttribute<PayloadResolutionListener> RECEIVE_LISTENER =
      new ExecutionAttribute<>("dev.sqsx.extended.ReceiveListener");

  private Failures() {}

  /**
   * Who is told about the failures of one receive: the client's listener, then the receive's own
   * listener when the request carries one; each is guarded (its exception is logged) on its own.
   */
  static PayloadResolutionListener listenersOf(
      PayloadResolutionListener client, ReceiveMessageRequest request) {
    PayloadResolutionListener own =
        request
            .overrideConfiguration()
            .map(override -> override.executionAttributes().getAttribute(RECEIVE_LISTENER))
            .orElse(null);
    if (own == null) {
      return client;
    }
    return failure -> {
      report(client, failure);
      report(own, failure);
    };
  }

  static void report(PayloadResolutionListener listener, PayloadResolutionFailure failure) {
    try {
      listener.onFailure(failure);
    } catch (RuntimeException e) {
      LOG.warn(
          "payload resolution listener failed for message {} from {}: {}",
          failure.messageId(),
          failure.queueUrl(),
          e.toString());
    }
  }

  static void logPayloadKept(Logger log, String queueUrl, PayloadPointer pointer, Throwable error) {
    log.warn(
        "send to {} failed with an unknown outcome ({}); its stored payload {} is kept because a"
            + " message may point to it (an unreferenced payload expires by the bucket's lifecycle"
            + " rule or the table's TTL)",
        queueUrl,
        error.toString(),
        pointer);
  }

  static void logSharedPayloadKept(
      Logger log, String queueUrl, PayloadPointer pointer, Throwable error) {
    log.warn(
        "send to {} was refused ({}); its stored payload {} is kept: it is under a stable key that"
            + " an earlier attempt or send may have enqueued a pointer to (an unreferenced payload"
            + " expires by the bucket's lifecycle rule or the table's TTL)",
        queueUrl,
        error == null ? "entry refused" : error.toString(),
        pointer);
  }

  static void logForeignPointer(
      Logger log, String queueUrl, PayloadPointer pointer, Throwable refusal) {
    log.warn(
        "message deleted from {}; its payload {} was left untouched: {}",
        queueUrl,
        pointer,
        refusal.getMessage());
  }

  static void logPayloadNotDeleted(
      Logger log, String queueUrl, PayloadPointer pointer, Throwable error) {
    log.warn(
        "message deleted from {}, but its payload {} could not be deleted: {}",
        queueUrl,
        pointer,
        error.toString());
  }

  static Map<String, PayloadPointer> pointersById(
      DeleteMessageBatchRequest request, List<ReceiptHandles.Parsed> handles) {
    Map<String, PayloadPointer> pointers = new HashMap<>();
    for (int i = 0; i < handles.size(); i++) {
      String id = request.entries().get(i).id();
      handles.get(i).deletable().ifPresent(pointer -> pointers.put(id, pointer));
    }
    return pointers;
  }
}
