/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;

/**
 * Collects a response body into a {@link Download}: one array of the declared length, hashed on the
 * way. The download is made from the response (its headers) before the body: when that throws (an
 * object over the size limit, from its content length), the body is not downloaded (its stream is
 * cancelled) and the future fails with what it threw; so does a body that outgrows its limit or
 * does not match its declared length.
 *
 * @param <R> the response type
 */
public final class BoundedBytes<R> implements AsyncResponseTransformer<R, BoundedBytes.Body<R>> {

  private final Function<R, Download> start;
  private volatile CompletableFuture<Body<R>> result;
  private volatile R response;
  private volatile Download download;
  private volatile RuntimeException refused;

  /** A transformer that makes each attempt's download from its response. */
  public BoundedBytes(Function<R, Download> start) {
    this.start = start;
  }

  @Override
  public CompletableFuture<Body<R>> prepare() {
    refused = null;
    download = null;
    response = null;
    CompletableFuture<Body<R>> own = new CompletableFuture<>();
    result = own;
    return own;
  }

  @Override
  public void onResponse(R response) {
    this.response = response;
    try {
      download = start.apply(response);
    } catch (RuntimeException e) {
      refused = e;
    }
  }

  @Override
  public void onStream(SdkPublisher<ByteBuffer> publisher) {
    RuntimeException refusal = refused;
    Download target = download;
    if (refusal != null || target == null) {
      publisher.subscribe(new Cancelling());
      result.completeExceptionally(
          refusal != null ? refusal : new IllegalStateException("a body came before a response"));
      return;
    }
    publisher.subscribe(new Collecting<>(target, response, result));
  }

  @Override
  public void exceptionOccurred(Throwable error) {
    RuntimeException refusal = refused;
    result.completeExceptionally(refusal != null ? refusal : error);
  }

  /**
   * A downloaded body with its response.
   *
   * @param <R> the response type
   */
  public static final class Body<R> {
    private final R response;
    private final Download.Downloaded downloaded;

    Body(R response, Download.Downloaded downloaded) {
      this.response = response;
      this.downloaded = downloaded;
    }

    /** The response the body came with. */
    public R response() {
      return response;
    }

    /** The bytes and their digest. */
    public Download.Downloaded downloaded() {
      return downloaded;
    }
  }

  /** Copies each buffer into the download; cancels on the first failure. */
  private static final class Collecting<R> implements Subscriber<ByteBuffer> {
    private final Download download;
    private final R response;
    private final CompletableFuture<Body<R>> result;
    private Subscription subscription;
    private boolean failed;

    Collecting(Download download, R response, CompletableFuture<Body<R>> result) {
      this.download = download;
      this.response = response;
      this.result = result;
    }

    @Override
    public void onSubscribe(Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ByteBuffer item) {
      if (failed) {
        return;
      }
      try {
        download.append(item);
      } catch (RuntimeException e) {
        failed = true;
        // Failed first: the SDK may report the cancellation as an error of its own.
        result.completeExceptionally(e);
        subscription.cancel();
      }
    }

    @Override
    public void onError(Throwable error) {
      if (!failed) {
        failed = true;
        result.completeExceptionally(error);
      }
    }

    @Override
    public void onComplete() {
      if (failed) {
        return;
      }
      try {
        result.complete(new Body<>(response, download.finish()));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    }
  }

  /** Takes the body's subscription only to cancel it. */
  private static final class Cancelling implements Subscriber<ByteBuffer> {
    @Override
    public void onSubscribe(Subscription subscription) {
      subscription.cancel();
    }

    @Override
    public void onNext(ByteBuffer item) {
      // cancelled: nothing is read
    }

    @Override
    public void onError(Throwable error) {
      // the download was refused; its error is of no interest
    }

    @Override
    public void onComplete() {
      // nothing to do
    }
  }
}
