/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FanoutTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Four operations that can only finish if all four run at the same time. */
  @Test
  void insideAJoin_operationsRunSideBySide_theFirstOnTheCallersThread() {
    Fanout fanout = new Fanout(pool);
    CyclicBarrier together = new CyclicBarrier(4);
    List<String> threads = new CopyOnWriteArrayList<>();
    String caller = Thread.currentThread().getName();

    List<Integer> results =
        fanout.join(
            () -> {
              List<CompletableFuture<Integer>> all = new ArrayList<>();
              for (int i = 0; i < 4; i++) {
                int index = i;
                all.add(
                    fanout.run(
                        () -> {
                          threads.add(index + "@" + Thread.currentThread().getName());
                          await(together);
                          return index;
                        }));
              }
              return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                  .thenApply(done -> all.stream().map(CompletableFuture::join).toList());
            },
            "test");

    assertThat(results).containsExactly(0, 1, 2, 3);
    assertThat(threads).hasSize(4).contains("0@" + caller);
    assertThat(threads.stream().filter(t -> t.endsWith("@" + caller))).hasSize(1);
  }

  @Test
  void aPoolThatRunsNothing_leavesEveryOperationToTheCaller_inOrder() {
    List<Runnable> neverRun = new ArrayList<>();
    Fanout fanout = new Fanout(neverRun::add);
    List<Integer> order = new ArrayList<>();
    String caller = Thread.currentThread().getName();

    String last =
        fanout.join(
            () -> {
              CompletableFuture<String> chain = CompletableFuture.completedFuture("");
              for (int i = 0; i < 5; i++) {
                int index = i;
                chain =
                    fanout
                        .run(
                            () -> {
                              order.add(index);
                              return Thread.currentThread().getName();
                            })
                        .thenCombine(chain, (thread, before) -> thread);
              }
              return chain;
            },
            "test");

    assertThat(order).containsExactly(0, 1, 2, 3, 4);
    assertThat(last).isEqualTo(caller);
    assertThat(neverRun).as("offered, all but the caller's own").hasSize(4);
    neverRun.forEach(Runnable::run); // claimed already: running them again does nothing
    assertThat(order).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void aPoolThatRefuses_costsNothing() {
    Fanout fanout =
        new Fanout(
            task -> {
              throw new RejectedExecutionException("full");
            });

    int sum =
        fanout.join(
            () -> fanout.run(() -> 1).thenCombine(fanout.run(() -> 2), Integer::sum), "test");

    assertThat(sum).isEqualTo(3);
  }

  /** A listener or injector calling the client again: a join inside the outer join's operation. */
  @Test
  void aJoinNestedInAnOperation_runsItsOwnOperations_evenWithAPoolThatRunsNothing() {
    List<Runnable> neverRun = new ArrayList<>();
    Fanout fanout = new Fanout(neverRun::add);

    String outer =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () ->
                fanout.join(
                    () ->
                        fanout.run(
                            () ->
                                "outer+"
                                    + fanout.join(
                                        () ->
                                            fanout
                                                .run(() -> "a")
                                                .thenCombine(fanout.run(() -> "b"), String::concat),
                                        "nested")),
                    "test"),
            "a nested join waited for operations nobody runs");

    assertThat(outer).isEqualTo("outer+ab");
  }

  @Test
  void operationsThroughTheJoinsLane_neverOverlap_whicheverThreadsRunThem() {
    Fanout fanout = new Fanout(pool);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostRunning = new AtomicInteger();
    Set<String> threads = ConcurrentHashMap.newKeySet();

    List<Integer> results =
        fanout.join(
            () -> {
              Fanout.Lane lane = fanout.oneAtATime();
              List<CompletableFuture<Integer>> all = new ArrayList<>();
              for (int i = 0; i < 4; i++) {
                int index = i;
                all.add(
                    fanout.run(
                        () ->
                            lane.run(
                                () -> {
                                  threads.add(Thread.currentThread().getName());
                                  mostRunning.accumulateAndGet(
                                      running.incrementAndGet(), Math::max);
                                  sleep(50);
                                  running.decrementAndGet();
                                  return index;
                                })));
              }
              return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                  .thenApply(done -> all.stream().map(CompletableFuture::join).toList());
            },
            "test");

    assertThat(results).containsExactly(0, 1, 2, 3);
    assertThat(threads).as("run by pool threads too").hasSizeGreaterThan(1);
    assertThat(mostRunning).hasValue(1);
  }

  @Test
  void outsideAJoin_anOperationRunsAtOnce() {
    Fanout fanout = new Fanout(pool);

    CompletableFuture<String> done = fanout.run(() -> Thread.currentThread().getName());

    assertThat(done).isCompletedWithValue(Thread.currentThread().getName());
  }

  @Test
  void aFailedOperation_failsTheJoinWithItsException_andTheOthersStillRun() throws Exception {
    Fanout fanout = new Fanout(pool);
    CompletableFuture<Integer> other = new CompletableFuture<>();

    assertThatThrownBy(
            () ->
                fanout.join(
                    () -> {
                      CompletableFuture<Integer> failing =
                          fanout.run(
                              () -> {
                                throw new IllegalStateException("payload gone");
                              });
                      var unused =
                          fanout.run(() -> 2).whenComplete((value, error) -> other.complete(value));
                      return failing;
                    },
                    "test"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("payload gone");
    assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo(2);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the operations did not run side by side", e);
    }
  }
}
