/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import dev.sqsx.consumer.AsyncMessageHandler;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.concurrent.CompletionStage;
import org.springframework.util.ClassUtils;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Listener methods that reply: one that returns a {@code String}, a {@code ReplyMessage} or a
 * {@code CompletionStage} of either answers each request through an {@code SqsResponder}
 * (sqsx-request-response): the reply goes to the request's reply-to queue before the request is
 * deleted. Checked at startup, naming the method.
 */
final class ListenerReplies {

  private static final String RESPONDER = "dev.sqsx.requests.SqsResponder";
  private static final String REPLY_MESSAGE = "dev.sqsx.requests.ReplyMessage";

  private ListenerReplies() {}

  /** Whether the method replies: it returns something. */
  static boolean replies(Method method) {
    return method.getReturnType() != void.class;
  }

  /** Refuses a replying method that cannot work, naming it. */
  static void check(ListenerEndpoint endpoint) {
    Method method = endpoint.method();
    String returns = method.getGenericReturnType().getTypeName();
    if (!ClassUtils.isPresent(RESPONDER, ListenerReplies.class.getClassLoader())) {
      throw new SqsxConfigurationException(
          endpoint.describe()
              + " returns "
              + returns
              + ", a reply: replying to requests needs dev.sqsx:sqsx-request-response on the"
              + " class path (or declare the method void)");
    }
    if (!replyType(method.getGenericReturnType())) {
      throw new SqsxConfigurationException(
          endpoint.describe()
              + " returns "
              + returns
              + ": a listener that replies returns String, ReplyMessage, or a CompletionStage of"
              + " either (void: no reply)");
    }
    if (!endpoint.annotation().idempotencyKey().isEmpty()) {
      throw new SqsxConfigurationException(
          endpoint.describe()
              + " replies and has idempotencyKey: a redelivered request whose effect was already"
              + " applied would get no reply; make the reply's effect idempotent in the method"
              + " instead (the requester keeps the first reply per request)");
    }
  }

  private static boolean replyType(Type type) {
    if (type == String.class || (type instanceof Class<?> c && c.getName().equals(REPLY_MESSAGE))) {
      return true;
    }
    if (type instanceof ParameterizedType p
        && p.getRawType() instanceof Class<?> raw
        && CompletionStage.class.isAssignableFrom(raw)) {
      Type argument = p.getActualTypeArguments()[0];
      return argument == String.class
          || (argument instanceof Class<?> c && c.getName().equals(REPLY_MESSAGE));
    }
    return false;
  }

  /** The handler that answers each request with what the method returns. */
  static AsyncMessageHandler responder(
      SqsAsyncClient sqs, ListenerEndpoint endpoint, ListenerInvocation.Call call) {
    return Responder.of(
        sqs, call, CompletionStage.class.isAssignableFrom(endpoint.method().getReturnType()));
  }

  /** Loaded only when a method replies, so that sqsx-request-response stays optional. */
  private static final class Responder {
    static AsyncMessageHandler of(SqsAsyncClient sqs, ListenerInvocation.Call call, boolean async) {
      dev.sqsx.requests.SqsResponder.Builder builder =
          dev.sqsx.requests.SqsResponder.builder().sqsClient(sqs);
      if (async) {
        builder.asyncHandler(
            request -> {
              try {
                CompletionStage<?> stage = (CompletionStage<?>) call.invoke(request);
                return stage == null ? null : stage.thenApply(Responder::reply);
              } catch (Exception e) {
                return java.util.concurrent.CompletableFuture.failedFuture(e);
              }
            });
      } else {
        builder.handler(request -> reply(call.invoke(request)));
      }
      return builder.build();
    }

    private static dev.sqsx.requests.ReplyMessage reply(Object returned) {
      if (returned instanceof String body) {
        return dev.sqsx.requests.ReplyMessage.of(body);
      }
      return (dev.sqsx.requests.ReplyMessage) returned;
    }
  }
}
