/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import dev.sqsx.consumer.MessageHandler;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.consumer.SqsConsumerBuilder;
import dev.sqsx.testing.AwsEndpoints;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * sqsx's {@link SqsConsumer} with its defaults, on a synchronous {@code SqsClient} (the Apache
 * client the hand-written loop uses) or an {@code SqsAsyncClient} (Netty, as Spring Cloud AWS),
 * optionally with a wrapped handler.
 */
final class SqsxContender implements Contender {

  private final String name;
  private final Function<MessageHandler, MessageHandler> wrap;
  private final boolean synchronous;
  private final UnaryOperator<SqsConsumerBuilder> options;

  private SqsxContender(
      String name,
      Function<MessageHandler, MessageHandler> wrap,
      boolean synchronous,
      UnaryOperator<SqsConsumerBuilder> options) {
    this.name = name;
    this.wrap = wrap;
    this.synchronous = synchronous;
    this.options = options;
  }

  private SqsxContender(
      String name, Function<MessageHandler, MessageHandler> wrap, boolean synchronous) {
    this(name, wrap, synchronous, builder -> builder);
  }

  /** On the synchronous client, with more consumer options (e.g. {@code maxInFlightPerGroup}). */
  static SqsxContender onSyncClient(String name, UnaryOperator<SqsConsumerBuilder> options) {
    return new SqsxContender(name, handler -> handler, true, options);
  }

  /** "sqsx": on the synchronous client. */
  static SqsxContender onSyncClient() {
    return new SqsxContender("sqsx", handler -> handler, true);
  }

  /** "sqsx-async": on the asynchronous client. */
  static SqsxContender onAsyncClient() {
    return new SqsxContender("sqsx-async", handler -> handler, false);
  }

  /** On the asynchronous client, its handler wrapped. */
  SqsxContender(String name, Function<MessageHandler, MessageHandler> wrap) {
    this(name, wrap, false);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Run consume(
      AwsEndpoints endpoints,
      String queueUrl,
      int messages,
      int concurrency,
      Duration work,
      Consumer<String> onHandled)
      throws InterruptedException {
    RequestCounter requests = new RequestCounter();
    CountDownLatch handled = new CountDownLatch(messages);
    double seconds;
    MessageHandler wrapped = wrap.apply(message -> Contender.work(work));
    try (SqsAsyncClient sqs = synchronous ? null : Clients.sqsAsync(endpoints, requests);
        SqsClient blocking = synchronous ? Clients.sqs(endpoints, requests) : null) {
      long started = System.nanoTime();
      SqsConsumerBuilder builder = SqsConsumer.builder();
      if (synchronous) {
        builder.sqsClient(blocking);
      } else {
        builder.sqsClient(sqs);
      }
      try (SqsConsumer consumer =
          options
              .apply(builder)
              .queueUrl(queueUrl)
              .concurrency(concurrency)
              .handler(
                  message -> {
                    wrapped.handle(message);
                    onHandled.accept(message.body());
                    handled.countDown();
                  })
              .build()) {
        consumer.start();
        seconds = Contender.secondsUntilHandled(handled, started, name);
      }
    }
    return new Run(seconds, requests.total(), requests.byOperation());
  }
}
