/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fire-and-forget done carefully: a detached stage or scheduled task whose failure would otherwise
 * vanish is logged instead. The runtime's callbacks handle their own errors; this is the last line.
 */
final class Async {

  private static final Logger LOG = LoggerFactory.getLogger(Async.class);

  private Async() {}

  /**
   * Runs {@code action} when the stage completes either way (the stage's own failure is the
   * action's to handle); only a failure of the action itself is logged, naming {@code what}.
   */
  static <T> void whenComplete(
      CompletionStage<T> stage, BiConsumer<? super T, ? super Throwable> action, String what) {
    detach(
        stage.handle(
            (value, error) -> {
              action.accept(value, error);
              return null;
            }),
        what);
  }

  /** Lets a stage run on; an unexpected failure is logged as an error naming {@code what}. */
  @SuppressWarnings("FutureReturnValueIgnored") // failure is observed below
  static void detach(CompletionStage<?> stage, String what) {
    stage.whenComplete(
        (ignored, error) -> {
          if (error != null) {
            LOG.error("unexpected failure in {}: {}", what, error.toString(), error);
          }
        });
  }

  /** Runs {@code task} after a delay; a failure is logged, a shut-down scheduler is ignored. */
  @SuppressWarnings("FutureReturnValueIgnored") // the task guards itself
  static void schedule(
      ScheduledExecutorService scheduler, Runnable task, long delayMillis, String what) {
    try {
      scheduler.schedule(guarded(task, what), delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("not scheduling {}: the consumer is shut down", what);
    }
  }

  /** Runs {@code task} on the scheduler soon; a failure is logged. */
  static void execute(ScheduledExecutorService scheduler, Runnable task, String what) {
    try {
      scheduler.execute(guarded(task, what));
    } catch (RejectedExecutionException e) {
      LOG.debug("not running {}: the consumer is shut down", what);
    }
  }

  private static Runnable guarded(Runnable task, String what) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.error("unexpected failure in {}: {}", what, e.toString(), e);
      }
    };
  }
}
