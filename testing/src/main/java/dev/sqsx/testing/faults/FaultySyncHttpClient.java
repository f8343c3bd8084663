/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.faults;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.Optional;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/** A synchronous HTTP client that fails, delays or loses requests as its injector decides. */
final class FaultySyncHttpClient implements SdkHttpClient {

  private final SdkHttpClient delegate;
  private final FaultInjector injector;

  FaultySyncHttpClient(SdkHttpClient delegate, FaultInjector injector) {
    this.delegate = delegate;
    this.injector = injector;
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    FaultInjector.Decision decision = injector.decide(request.httpRequest());
    ExecutableHttpRequest real = delegate.prepareRequest(request);
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() throws IOException {
        return execute(decision, real);
      }

      @Override
      public void abort() {
        real.abort();
      }
    };
  }

  private static HttpExecuteResponse execute(
      FaultInjector.Decision decision, ExecutableHttpRequest real) throws IOException {
    if (decision.refused()) {
      throw new ConnectException("Connection refused (injected: partitioned)");
    }
    if (decision.delayMillis() > 0) {
      try {
        Thread.sleep(decision.delayMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted during injected latency");
      }
    }
    Fault fault = decision.fault();
    if (fault == null) {
      return real.call();
    }
    switch (fault) {
      case CONNECTION_RESET:
        throw new SocketException("Connection reset (injected before the request was sent)");
      case RESPONSE_LOST:
        HttpExecuteResponse response = real.call();
        Optional<AbortableInputStream> body = response.responseBody();
        if (body.isPresent()) {
          try (InputStream in = body.get()) {
            in.transferTo(OutputStream.nullOutputStream());
          }
        }
        throw new SocketException("Connection reset (injected after the request was applied)");
      default:
        ErrorResponses.Synthetic synthetic = ErrorResponses.of(fault, decision.target());
        return HttpExecuteResponse.builder()
            .response(synthetic.response())
            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(synthetic.body())))
            .build();
    }
  }

  @Override
  public String clientName() {
    return delegate.clientName();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
