package dev.sqsx.extended.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;

/**
 * The SDK's bytes transformer with a check of the response (its headers) before the body: when the
 * check throws, the body is not downloaded (its stream is cancelled) and the future fails with what
 * it threw. Used to refuse an object over the size limit from its content length.
 *
 * @param <R> the response type
 */
public final class BoundedBytes<R> implements AsyncResponseTransformer<R, ResponseBytes<R>> {

  private final Consumer<R> check;
  private final AsyncResponseTransformer<R, ResponseBytes<R>> bytes =
      AsyncResponseTransformer.toBytes();
  private volatile CompletableFuture<ResponseBytes<R>> result;
  private volatile RuntimeException refused;

  /** A transformer that runs {@code check} on the response before its body is read. */
  public BoundedBytes(Consumer<R> check) {
    this.check = check;
  }

  @Override
  public CompletableFuture<ResponseBytes<R>> prepare() {
    refused = null;
    // Ours, not the delegate's: a refused download never completes the delegate's future.
    CompletableFuture<ResponseBytes<R>> own = new CompletableFuture<>();
    result = own;
    CompletableFuture<ResponseBytes<R>> delegate = bytes.prepare();
    var unused =
        delegate.whenComplete(
            (value, error) -> {
              if (error != null) {
                own.completeExceptionally(error);
              } else {
                own.complete(value);
              }
            });
    return own;
  }

  @Override
  public void onResponse(R response) {
    try {
      check.accept(response);
    } catch (RuntimeException e) {
      refused = e;
      return;
    }
    bytes.onResponse(response);
  }

  @Override
  public void onStream(SdkPublisher<ByteBuffer> publisher) {
    RuntimeException refusal = refused;
    if (refusal == null) {
      bytes.onStream(publisher);
      return;
    }
    publisher.subscribe(new Cancelling());
    result.completeExceptionally(refusal);
  }

  @Override
  public void exceptionOccurred(Throwable error) {
    RuntimeException refusal = refused;
    if (refusal != null) {
      result.completeExceptionally(refusal);
      return;
    }
    bytes.exceptionOccurred(error);
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
