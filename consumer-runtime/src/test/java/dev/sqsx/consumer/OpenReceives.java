/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/** Counts the ReceiveMessage requests of a client: sent, open now, and the most open at once. */
final class OpenReceives implements ExecutionInterceptor {

  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger mostOpen = new AtomicInteger();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof ReceiveMessageRequest) {
      sent.incrementAndGet();
      int now = open.incrementAndGet();
      mostOpen.accumulateAndGet(now, Math::max);
    }
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof ReceiveMessageRequest) {
      open.decrementAndGet();
    }
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof ReceiveMessageRequest) {
      open.decrementAndGet();
    }
  }

  int sent() {
    return sent.get();
  }

  int open() {
    return open.get();
  }

  /** The most receives open at once since the last {@link #resetMost()}. */
  int mostOpen() {
    return mostOpen.get();
  }

  void resetMost() {
    mostOpen.set(open.get());
  }
}
