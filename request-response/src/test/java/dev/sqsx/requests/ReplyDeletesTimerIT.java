/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The flush timer of {@link ReplyDeletes} against a full batch: a timer that fired while a receive
 * filled a batch must not leave the next timer running untracked (it would flush later handles
 * before their interval, and could never be cancelled).
 */
@LocalAws
class ReplyDeletesTimerIT {

  @Test
  void aTimerThatFiredWhileABatchFilled_leavesOneTimerAtMost_andItIsTheTrackedOne(
      SqsAsyncClient sqsAsync, AwsResources aws) {
    String queue = aws.createQueue();
    Held scheduler = new Held();
    try {
      ReplyDeletes deletes =
          new ReplyDeletes(sqsAsync, queue, Duration.ofSeconds(10), scheduler, new LongAdder());
      assertThat(deletes.add(handles("a", 1))).isEmpty(); // timer 1
      // a receive fills a batch (timer 1 cancelled, too late: it already fired) and leaves one
      // handle waiting (timer 2)
      assertThat(deletes.add(handles("b", 10))).hasSize(1);
      scheduler.fire(0); // timer 1 runs now, late

      assertThat(deletes.add(handles("c", 1))).isEmpty();

      assertThat(scheduler.getQueue())
          .as("timers waiting: the one for 'c' and no stray one that would flush it early")
          .hasSize(1);
      scheduler.fire(scheduler.tasks.size() - 1); // the timer that waits: it sends what waits
      assertThat(deletes.pendingCount()).isZero();
      assertThat(deletes.add(handles("d", 1))).isEmpty(); // a timer again
      assertThat(deletes.discard())
          .succeedsWithin(Duration.ofSeconds(30)); // the sent batch answered
      assertThat(scheduler.getQueue()).as("timers waiting after discard()").isEmpty();
    } finally {
      scheduler.shutdownNow();
    }
  }

  private static List<String> handles(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
  }

  /** A scheduler whose tasks never fire by themselves (an hour away); the test runs them. */
  private static final class Held extends ScheduledThreadPoolExecutor {
    final List<Runnable> tasks = new CopyOnWriteArrayList<>();
    final List<ScheduledFuture<?>> futures = new CopyOnWriteArrayList<>();

    Held() {
      super(1);
      setRemoveOnCancelPolicy(true);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      tasks.add(command);
      ScheduledFuture<?> future = super.schedule(command, 1, TimeUnit.HOURS);
      futures.add(future);
      return future;
    }

    /** Runs the i-th task scheduled as if its time had come (even if it was cancelled since). */
    void fire(int i) {
      remove((Runnable) futures.get(i));
      tasks.get(i).run();
    }
  }
}
