/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class PermitsTest {

  @Test
  void acquire_grantsUpToTheFreePermits() {
    Permits permits = new Permits(15);

    assertThat(permits.acquireUpTo(10)).isCompletedWithValue(10);
    assertThat(permits.acquireUpTo(10)).isCompletedWithValue(5);
    assertThat(permits.available()).isZero();
  }

  @Test
  void acquire_withNoneFree_waitsForARelease_inOrder() {
    Permits permits = new Permits(2);
    assertThat(permits.acquireUpTo(10)).isCompletedWithValue(2);
    CompletableFuture<Integer> first = permits.acquireUpTo(10);
    CompletableFuture<Integer> second = permits.acquireUpTo(1);

    permits.release(1);
    assertThat(first).isCompletedWithValue(1);
    assertThat(second).isNotDone();

    permits.release(3);
    assertThat(second).isCompletedWithValue(1);
    assertThat(permits.available()).isEqualTo(2);
  }

  @Test
  void withAFillWait_aPartialBatchWaits_andAFullOneIsGrantedAtOnce() {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      Permits permits = new Permits(30, scheduler, 200);
      assertThat(permits.acquireUpTo(10)).isCompletedWithValue(10);
      assertThat(permits.acquireUpTo(10)).isCompletedWithValue(10);
      assertThat(permits.acquireUpTo(10)).isCompletedWithValue(10);

      permits.release(3);
      CompletableFuture<Integer> partial = permits.acquireUpTo(10);
      assertThat(partial).as("three free: waits for more").isNotDone();
      permits.release(7);
      assertThat(partial).as("ten free: full batch").isCompletedWithValue(10);

      permits.release(2);
      CompletableFuture<Integer> later = permits.acquireUpTo(10);
      await().atMost(Duration.ofSeconds(2)).until(later::isDone);
      assertThat(later).as("after the fill wait: what is free").isCompletedWithValue(2);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void wakeAll_completesWaitersWithZero() {
    Permits permits = new Permits(0);
    CompletableFuture<Integer> waiting = permits.acquireUpTo(10);

    permits.wakeAll();

    assertThat(waiting).isCompletedWithValue(0);
  }

  @Test
  void withAFillWait_thePollBehindOneJustServed_waitsForItsOwnBatch() throws InterruptedException {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      Permits permits = new Permits(20, scheduler, 200);
      assertThat(permits.acquireUpTo(10)).isCompletedWithValue(10);
      assertThat(permits.acquireUpTo(10)).isCompletedWithValue(10);
      CompletableFuture<Integer> first = permits.acquireUpTo(10);
      CompletableFuture<Integer> second = permits.acquireUpTo(10);
      Thread.sleep(250); // both have waited past the fill wait

      permits.release(3);
      assertThat(first).as("waited long enough: what is free").isCompletedWithValue(3);
      permits.release(1);
      assertThat(second)
          .as("just reached the head: one freed permit is no batch, it waits for more")
          .isNotDone();
      permits.release(9);
      assertThat(second).as("ten free: full batch").isCompletedWithValue(10);
    } finally {
      scheduler.shutdownNow();
    }
  }
}
