package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
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
  void wakeAll_completesWaitersWithZero() {
    Permits permits = new Permits(0);
    CompletableFuture<Integer> waiting = permits.acquireUpTo(10);

    permits.wakeAll();

    assertThat(waiting).isCompletedWithValue(0);
  }
}
