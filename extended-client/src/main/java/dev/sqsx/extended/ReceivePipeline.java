/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.BodyCodec;
import dev.sqsx.extended.internal.Compressing;
import dev.sqsx.extended.internal.Futures;
import dev.sqsx.extended.internal.Markers;
import dev.sqsx.extended.internal.Offloading;
import dev.sqsx.extended.internal.ReceiptHandles;
import dev.sqsx.extended.internal.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * The receive half of the offloading pipeline, shared by both extended clients: receive → resolve
 * each pointer (in parallel on the asynchronous client) → hand out resolved messages; delete →
 * delete the message, then its payload. A message whose payload cannot be resolved is left out of
 * the response and reported to the client's {@link PayloadResolutionListener}, then to the one the
 * receive request carries, if any; it is never lost (it stays in the queue unless {@code
 * ignorePayloadNotFound} deleted it). Every failure is a failed future.
 */
final class ReceivePipeline {

  private static final Logger LOG = LoggerFactory.getLogger(ReceivePipeline.class);

  private final SqsPort port;
  private final Offloading rules;
  private final Settings settings;

  ReceivePipeline(SqsPort port, Offloading rules) {
    this.port = port;
    this.rules = rules;
    this.settings = rules.settings();
  }

  /**
   * Receives and resolves; a failure is reported to the client's listener and to the receive's own
   * (when {@code request} carries one: {@link PayloadResolutionListener#attachTo}).
   */
  CompletableFuture<ReceiveMessageResponse> receiveMessage(ReceiveMessageRequest request) {
    return Futures.guarded(
        () -> {
          PayloadResolutionListener listener = Failures.listenersOf(settings.listener(), request);
          return port.receiveMessage(rules.receiveRequest(request))
              .thenCompose(response -> resolveAll(request.queueUrl(), listener, response));
        });
  }

  private CompletableFuture<ReceiveMessageResponse> resolveAll(
      String queueUrl, PayloadResolutionListener listener, ReceiveMessageResponse response) {
    if ((!settings.payloadSupportEnabled() && !settings.snsEnvelopes())
        || !response.hasMessages()) {
      return CompletableFuture.completedFuture(response);
    }
    List<CompletableFuture<Message>> resolved = new ArrayList<>();
    // Copied (toArray), not iterated: the OpenTelemetry agent's SQS instrumentation makes a
    // "process" span around each step of the first iteration of a received list, which here would
    // time sqsx's resolution, not the application's processing.
    for (Message message : List.copyOf(response.messages())) {
      resolved.add(resolve(queueUrl, listener, message));
    }
    return CompletableFuture.allOf(resolved.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<Message> messages = new ArrayList<>(resolved.size());
              for (CompletableFuture<Message> message : resolved) {
                Message value = message.join();
                if (value != null) {
                  messages.add(value);
                }
              }
              return response.toBuilder().messages(messages).build();
            });
  }

  /** The resolved message, or null (after reporting) when its payload cannot be resolved. */
  private CompletableFuture<Message> resolve(
      String queueUrl, PayloadResolutionListener listener, Message received) {
    Message message = received;
    boolean throughSns = false;
    PayloadPointer pointer;
    try {
      if (settings.snsEnvelopes()) {
        Optional<Message> unwrapped = SnsNotification.unwrap(received, queueUrl);
        if (unwrapped.isPresent()) {
          message = unwrapped.get();
          throughSns = true;
        }
      }
      var found = rules.pointerOf(message);
      if (found.isEmpty()) {
        return inline(queueUrl, listener, received, message, throughSns);
      }
      pointer = found.get();
    } catch (ExtendedClientException e) {
      return reportFailure(queueUrl, listener, received, e);
    } catch (RuntimeException e) {
      // Whatever a hostile body does to the parser, it is this message's failure alone.
      return reportFailure(
          queueUrl,
          listener,
          received,
          new MalformedPointerException(
              "cannot read the pointer of this message", queueUrl, received.messageId(), null, e));
    }
    Message pointerMessage = message;
    boolean shared = throughSns;
    return Futures.afterwards(
        port.read(pointer, Markers.declaredSize(message.messageAttributes())),
        (payload, cause) -> {
          if (cause == null) {
            Optional<String> encoding = Compressing.encodingOf(pointerMessage.messageAttributes());
            if (encoding.isEmpty()) {
              return CompletableFuture.completedFuture(
                  Offloading.resolved(pointerMessage, pointer, payload, shared));
            }
            try {
              byte[] body =
                  Compressing.decompressStored(encoding.get(), payload, settings.maxPayloadSize());
              return CompletableFuture.completedFuture(
                  Offloading.resolved(pointerMessage, pointer, body, shared, encoding.get()));
            } catch (BodyCodec.Refused e) {
              return reportFailure(
                  queueUrl, listener, received, encodingFailure(queueUrl, received, pointer, e));
            }
          }
          ExtendedClientException failure =
              cause instanceof ExtendedClientException
                  ? (ExtendedClientException) cause
                  : new ExtendedClientException(
                      "cannot resolve payload", queueUrl, received.messageId(), pointer, cause);
          return reportFailure(queueUrl, listener, received, failure);
        });
  }

  /**
   * A message that is not offloaded: as it is, or decompressed when it carries the compression
   * attribute (reported, and left out, when it cannot be); with {@code snsEnvelopes}, one that
   * decompresses to an SNS envelope is unwrapped too.
   */
  private CompletableFuture<Message> inline(
      String queueUrl,
      PayloadResolutionListener listener,
      Message received,
      Message message,
      boolean throughSns) {
    Optional<String> encoding = Compressing.encodingOf(message.messageAttributes());
    if (encoding.isEmpty()) {
      return CompletableFuture.completedFuture(message);
    }
    try {
      byte[] body =
          Compressing.decompressInline(encoding.get(), message.body(), settings.maxPayloadSize());
      Message decompressed = Offloading.decompressed(message, body, encoding.get());
      if (settings.snsEnvelopes() && !throughSns) {
        // an SNS envelope sent on compressed (a DLQ copy through a compressing client): unwrapped
        // once decompressed, as it would have been had it come as it is
        Optional<Message> unwrapped = SnsNotification.unwrap(decompressed, queueUrl);
        if (unwrapped.isPresent() && rules.pointerOf(unwrapped.get()).isEmpty()) {
          return inline(queueUrl, listener, received, unwrapped.get(), true);
        }
      }
      return CompletableFuture.completedFuture(decompressed);
    } catch (BodyCodec.Refused e) {
      return reportFailure(
          queueUrl, listener, received, encodingFailure(queueUrl, received, null, e));
    } catch (ExtendedClientException e) {
      return reportFailure(queueUrl, listener, received, e);
    }
  }

  private static PayloadEncodingException encodingFailure(
      String queueUrl, Message received, PayloadPointer pointer, BodyCodec.Refused cause) {
    return new PayloadEncodingException(
        "cannot decompress this message: " + cause.getMessage(),
        queueUrl,
        received.messageId(),
        pointer,
        cause);
  }

  private CompletableFuture<Message> reportFailure(
      String queueUrl,
      PayloadResolutionListener listener,
      Message message,
      ExtendedClientException error) {
    CompletableFuture<Boolean> deleted = CompletableFuture.completedFuture(false);
    if (settings.ignorePayloadNotFound() && error instanceof PayloadNotFoundException) {
      deleted =
          port.deleteMessage(
                  DeleteMessageRequest.builder()
                      .queueUrl(queueUrl)
                      .receiptHandle(message.receiptHandle())
                      .build())
              .handle(
                  (response, deleteError) -> {
                    if (deleteError != null) {
                      error.addSuppressed(Futures.unwrap(deleteError));
                      return false;
                    }
                    return true;
                  });
    }
    return deleted.thenApply(
        wasDeleted -> {
          Failures.report(
              listener,
              new PayloadResolutionFailure(
                  queueUrl,
                  message.messageId(),
                  message.receiptHandle(),
                  error,
                  wasDeleted,
                  message));
          return null;
        });
  }

  /**
   * Deletes the message, then (with {@code cleanupPayload}) its payload; a payload that cannot be
   * deleted fails the call after the message is gone, naming the payload.
   */
  CompletableFuture<DeleteMessageResponse> deleteMessage(DeleteMessageRequest request) {
    return Futures.guarded(
        () -> {
          ReceiptHandles.Parsed handle = Offloading.parseHandle(request.receiptHandle());
          return port.deleteMessage(request.toBuilder().receiptHandle(handle.original()).build())
              .thenCompose(
                  response -> {
                    if (!settings.cleanupPayload() || handle.deletable().isEmpty()) {
                      return CompletableFuture.completedFuture(response);
                    }
                    PayloadPointer pointer = handle.deletable().get();
                    return port.delete(pointer)
                        .handle(
                            (done, error) -> {
                              Throwable cause = error == null ? null : Futures.unwrap(error);
                              if (cause instanceof PayloadNotAllowedException) {
                                Failures.logForeignPointer(LOG, request.queueUrl(), pointer, cause);
                              } else if (cause != null) {
                                throw new ExtendedClientException(
                                    "message deleted from SQS, but its payload could not be"
                                        + " deleted",
                                    request.queueUrl(),
                                    null,
                                    pointer,
                                    cause);
                              }
                              return response;
                            });
                  });
        });
  }

  /**
   * Deletes the messages, then the payloads of those SQS deleted; a payload that cannot be deleted
   * is logged (the batch's answer already says which messages are gone).
   */
  CompletableFuture<DeleteMessageBatchResponse> deleteMessageBatch(
      DeleteMessageBatchRequest request) {
    return Futures.guarded(
        () -> {
          List<ReceiptHandles.Parsed> handles = Offloading.parseHandles(request);
          return port.deleteMessageBatch(Offloading.unwrapped(request, handles))
              .thenCompose(
                  response -> {
                    if (!settings.cleanupPayload()) {
                      return CompletableFuture.completedFuture(response);
                    }
                    Map<String, PayloadPointer> pointers = Failures.pointersById(request, handles);
                    List<CompletableFuture<?>> deletes = new ArrayList<>();
                    for (DeleteMessageBatchResultEntry deleted : response.successful()) {
                      PayloadPointer pointer = pointers.get(deleted.id());
                      if (pointer != null) {
                        deletes.add(deletePayloadLogged(request.queueUrl(), pointer));
                      }
                    }
                    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new))
                        .thenApply(done -> response);
                  });
        });
  }

  private CompletableFuture<Void> deletePayloadLogged(String queueUrl, PayloadPointer pointer) {
    return port.delete(pointer)
        .exceptionally(
            error -> {
              Throwable cause = Futures.unwrap(error);
              if (cause instanceof PayloadNotAllowedException) {
                Failures.logForeignPointer(LOG, queueUrl, pointer, cause);
              } else {
                Failures.logPayloadNotDeleted(LOG, queueUrl, pointer, cause);
              }
              return null;
            });
  }
}
