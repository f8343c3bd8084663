/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.core.pagination.sync.SdkIterable;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsRequest;

/**
 * Every operation of {@link SqsClient} and {@link SqsAsyncClient} reaches the wrapped client: the
 * SDK interfaces default to throwing {@code UnsupportedOperationException}, so a decorator that
 * misses one compiles and fails only at run time. The wrapped client here is a recording stand-in
 * that answers every call with an empty response; it checks routing only, never AWS behaviour (that
 * is what the ITs against the embedded endpoints are for).
 */
class DelegationTest {

  /** Operations that are sqsx's own by design, not the wrapped client's. */
  private static final Set<String> OWN = Set.of("close", "batchManager");

  @Test
  void syncClient_delegatesEveryOperationOfTheInterface() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    SqsClient extended =
        SqsExtendedClient.builder()
            .sqsClient(recording(SqsClient.class, calls))
            .payloadStore(store())
            .build();

    List<String> checked = invokeAll(SqsClient.class, extended, calls);

    assertThat(checked)
        .contains("sendMessage", "receiveMessage", "startMessageMoveTask", "listQueuesPaginator");
    assertThat(checked.size()).isGreaterThan(50);
  }

  @Test
  void asyncClient_delegatesEveryOperationOfTheInterface() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    SqsAsyncClient extended =
        SqsExtendedAsyncClient.builder()
            .sqsClient(recording(SqsAsyncClient.class, calls))
            .payloadStore(store())
            .build();

    List<String> checked = invokeAll(SqsAsyncClient.class, extended, calls);

    assertThat(checked)
        .contains("sendMessage", "receiveMessage", "cancelMessageMoveTask", "listQueuesPaginator");
    assertThat(checked.size()).isGreaterThan(50);
    assertThat(extended.batchManager()).isNotNull();
    extended.close();
  }

  @Test
  void everyRequestTakingOperation_isOverriddenNotLeftToTheThrowingDefault() {
    for (Class<?>[] pair :
        new Class<?>[][] {
          {SqsClient.class, SqsExtendedClient.class},
          {SqsAsyncClient.class, SqsExtendedAsyncClient.class}
        }) {
      for (Method method : pair[0].getMethods()) {
        boolean takesConsumer =
            method.getParameterCount() == 1 && method.getParameterTypes()[0] == Consumer.class;
        if (Modifier.isStatic(method.getModifiers()) || takesConsumer) {
          continue; // Consumer overloads build the request and call the overridden method.
        }
        assertThat(declaringClass(pair[1], method))
            .as("%s.%s", pair[1].getSimpleName(), method.getName())
            .isEqualTo(pair[1]);
      }
    }
  }

  private static Class<?> declaringClass(Class<?> type, Method method) {
    try {
      return type.getMethod(method.getName(), method.getParameterTypes()).getDeclaringClass();
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> invokeAll(Class<?> api, Object extended, List<String> calls)
      throws Exception {
    List<String> checked = new ArrayList<>();
    for (Method method : api.getMethods()) {
      if (Modifier.isStatic(method.getModifiers()) || OWN.contains(method.getName())) {
        continue;
      }
      calls.clear();
      Object result = method.invoke(extended, arguments(method));
      drain(result);
      String expected = method.getName().replace("Paginator", "");
      assertThat(calls).as("%s reaches the wrapped client", method).contains(expected);
      checked.add(method.getName());
    }
    return checked;
  }

  private static Object[] arguments(Method method) throws Exception {
    Object[] arguments = new Object[method.getParameterCount()];
    for (int i = 0; i < arguments.length; i++) {
      Class<?> type = method.getParameterTypes()[i];
      if (type == Consumer.class) {
        arguments[i] = (Consumer<Object>) builder -> {};
      } else if (SqsRequest.class.isAssignableFrom(type)) {
        Object builder = type.getMethod("builder").invoke(null);
        Method build = builder.getClass().getMethod("build");
        build.setAccessible(true);
        arguments[i] = build.invoke(builder);
      } else {
        throw new AssertionError("no argument for " + method);
      }
    }
    return arguments;
  }

  /** Paginators call nothing until iterated: take their first page. */
  private static void drain(Object result) {
    if (result instanceof SdkIterable) {
      ((SdkIterable<?>) result).iterator().next();
    } else if (result instanceof SdkPublisher) {
      ((SdkPublisher<?>) result).subscribe(page -> {}).join();
    } else if (result instanceof CompletableFuture) {
      ((CompletableFuture<?>) result).join();
    }
  }

  /** A stand-in that records each call's name and answers with an empty response. */
  @SuppressWarnings("unchecked")
  private static <T> T recording(Class<T> api, List<String> calls) {
    return (T)
        Proxy.newProxyInstance(
            api.getClassLoader(),
            new Class<?>[] {api},
            (proxy, method, args) -> {
              calls.add(method.getName());
              if (method.getName().equals("serviceName")) {
                return "sqs";
              }
              Class<?> type = method.getReturnType();
              if (type == CompletableFuture.class) {
                Class<?> response =
                    (Class<?>)
                        ((ParameterizedType) method.getGenericReturnType())
                            .getActualTypeArguments()[0];
                return CompletableFuture.completedFuture(emptyResponse(response));
              }
              return type == void.class ? null : emptyResponse(type);
            });
  }

  private static Object emptyResponse(Class<?> type) throws Exception {
    try {
      Object builder = type.getMethod("builder").invoke(null);
      Method build = builder.getClass().getMethod("build");
      build.setAccessible(true);
      return build.invoke(builder);
    } catch (NoSuchMethodException e) {
      return null; // e.g. serviceClientConfiguration: nothing to build, null is enough here
    }
  }

  private static PayloadStore store() {
    return S3PayloadStore.builder()
        .s3Client(
            software.amazon.awssdk.services.s3.S3Client.builder()
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .build())
        .bucket("unused")
        .build();
  }
}
