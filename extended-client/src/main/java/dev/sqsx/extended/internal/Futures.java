/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/** Small composition helpers for the asynchronous client. */
public final class Futures {

  private Futures() {}

  /**
   * When {@code future} completes either way, continues with the future {@code next} returns; the
   * error passed to {@code next} is unwrapped from {@link CompletionException}.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // the result is completed from the callbacks
  public static <S, T> CompletableFuture<T> afterwards(
      CompletableFuture<S> future, BiFunction<? super S, Throwable, CompletableFuture<T>> next) {
    CompletableFuture<T> result = new CompletableFuture<>();
    future.whenComplete(
        (value, error) -> {
          CompletableFuture<T> after;
          try {
            after = next.apply(value, error == null ? null : unwrap(error));
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
          }
          after.whenComplete(
              (afterValue, afterError) -> {
                if (afterError != null) {
                  result.completeExceptionally(unwrap(afterError));
                } else {
                  result.complete(afterValue);
                }
              });
        });
    return result;
  }

  /** Runs a call that returns a future; a call that throws becomes a failed future. */
  public static <T> CompletableFuture<T> guarded(Supplier<CompletableFuture<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Waits for a future (a synchronous method served by an asynchronous client) and rethrows its
   * cause: an unchecked one as it is, a checked one wrapped with {@code what} failed.
   */
  public static <T> T join(CompletableFuture<T> future, String what) {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new dev.sqsx.extended.ExtendedClientException(what + " failed", cause);
    }
  }

  /** The real cause behind {@link CompletionException} wrappers. */
  public static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
