/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.faults;

import java.net.ConnectException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpResponseHandler;

/** An asynchronous HTTP client that fails, delays or loses requests as its injector decides. */
final class FaultyAsyncHttpClient implements SdkAsyncHttpClient {

  private static final ScheduledExecutorService DELAYS =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "sqsx-fault-latency");
            thread.setDaemon(true);
            return thread;
          });

  private final SdkAsyncHttpClient delegate;
  private final FaultInjector injector;

  FaultyAsyncHttpClient(SdkAsyncHttpClient delegate, FaultInjector injector) {
    this.delegate = delegate;
    this.injector = injector;
  }

  @Override
  public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
    FaultInjector.Decision decision = injector.decide(request.request());
    if (decision.refused()) {
      return fail(request, new ConnectException("Connection refused (injected: partitioned)"));
    }
    if (decision.delayMillis() <= 0) {
      return run(decision, request);
    }
    return CompletableFuture.runAsync(
            () -> {},
            CompletableFuture.delayedExecutor(
                decision.delayMillis(), TimeUnit.MILLISECONDS, DELAYS))
        .thenCompose(ignored -> run(decision, request));
  }

  private CompletableFuture<Void> run(
      FaultInjector.Decision decision, AsyncExecuteRequest request) {
    Fault fault = decision.fault();
    if (fault == null) {
      return delegate.execute(request);
    }
    switch (fault) {
      case CONNECTION_RESET:
        return fail(
            request,
            new SocketException("Connection reset (injected before the request was sent)"));
      case RESPONSE_LOST:
        AsyncExecuteRequest discarding =
            AsyncExecuteRequest.builder()
                .request(request.request())
                .requestContentPublisher(request.requestContentPublisher())
                .responseHandler(new Discarding())
                .fullDuplex(request.fullDuplex())
                .httpExecutionAttributes(request.httpExecutionAttributes())
                .build();
        return delegate
            .execute(discarding)
            .handle((done, error) -> null)
            .thenCompose(
                ignored ->
                    fail(
                        request,
                        new SocketException(
                            "Connection reset (injected after the request was applied)")));
      default:
        ErrorResponses.Synthetic synthetic = ErrorResponses.of(fault, decision.target());
        CompletableFuture<Void> streamed = new CompletableFuture<>();
        request.responseHandler().onHeaders(synthetic.response());
        request.responseHandler().onStream(new OneBuffer(synthetic.body(), streamed));
        return streamed;
    }
  }

  private static CompletableFuture<Void> fail(AsyncExecuteRequest request, Exception error) {
    request.responseHandler().onError(error);
    return CompletableFuture.failedFuture(error);
  }

  @Override
  public String clientName() {
    return delegate.clientName();
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** Reads and drops a real response: the caller is told the connection was reset instead. */
  private static final class Discarding implements SdkAsyncHttpResponseHandler {
    @Override
    public void onHeaders(SdkHttpResponse headers) {}

    @Override
    public void onStream(Publisher<ByteBuffer> stream) {
      stream.subscribe(
          new Subscriber<>() {
            @Override
            public void onSubscribe(Subscription subscription) {
              subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {}

            @Override
            public void onError(Throwable error) {}

            @Override
            public void onComplete() {}
          });
    }

    @Override
    public void onError(Throwable error) {}
  }

  /** Publishes one buffer, then completes; completes {@code done} when the subscriber has it. */
  private static final class OneBuffer implements Publisher<ByteBuffer> {
    private final byte[] body;
    private final CompletableFuture<Void> done;

    OneBuffer(byte[] body, CompletableFuture<Void> done) {
      this.body = body;
      this.done = done;
    }

    @Override
    public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
      AtomicBoolean sent = new AtomicBoolean();
      subscriber.onSubscribe(
          new Subscription() {
            @Override
            public void request(long n) {
              if (n > 0 && sent.compareAndSet(false, true)) {
                if (body.length > 0) {
                  subscriber.onNext(ByteBuffer.wrap(body));
                }
                subscriber.onComplete();
                done.complete(null);
              }
            }

            @Override
            public void cancel() {
              done.complete(null);
            }
          });
    }
  }
}
