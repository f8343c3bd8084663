/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class QueueSizeLimitsTest {

  private final AtomicLong now = new AtomicLong();
  private final List<String> reads = new ArrayList<>();

  private QueueSizeLimits limits(Function<String, CompletableFuture<String>> answer) {
    return new QueueSizeLimits(
        "queue",
        target -> {
          reads.add(target);
          return answer.apply(target);
        },
        Duration.ofMinutes(5),
        now::get);
  }

  @Test
  void limitOf_readsOncePerTargetAndKeepsTheAnswerForTheRefreshInterval() {
    QueueSizeLimits limits = limits(target -> CompletableFuture.completedFuture("1048576"));

    assertThat(limits.limitOf("q1").join()).isEqualTo(1_048_576);
    now.addAndGet(Duration.ofMinutes(5).toNanos() - 1);
    assertThat(limits.limitOf("q1").join()).isEqualTo(1_048_576);
    assertThat(limits.limitOf("q2").join()).isEqualTo(1_048_576);

    assertThat(reads).containsExactly("q1", "q2");
  }

  @Test
  void limitOf_afterTheRefreshInterval_readsAgain() {
    List<String> answers = new ArrayList<>(List.of("262144", "1048576"));
    QueueSizeLimits limits = limits(target -> CompletableFuture.completedFuture(answers.remove(0)));

    assertThat(limits.limitOf("q").join()).isEqualTo(262_144);
    now.addAndGet(Duration.ofMinutes(5).toNanos());
    assertThat(limits.limitOf("q").join()).isEqualTo(1_048_576);
    assertThat(reads).hasSize(2);
  }

  @Test
  void forget_manySendsRefusedAtTheKeptLimit_shareOneNewRead() {
    List<CompletableFuture<String>> answers =
        new ArrayList<>(
            List.of(CompletableFuture.completedFuture("1048576"), new CompletableFuture<>()));
    QueueSizeLimits limits = limits(target -> answers.get(reads.size() - 1));
    assertThat(limits.limitOf("q").join()).isEqualTo(1_048_576);

    // three sends planned at 1 MiB are refused at once: the first forgets, the others share
    assertThat(limits.forget("q", 1_048_576)).isTrue();
    CompletableFuture<Integer> fresh = limits.limitOf("q");
    assertThat(limits.forget("q", 1_048_576)).isTrue();
    assertThat(limits.forget("q", 1_048_576)).isTrue();
    answers.get(1).complete("262144");

    assertThat(fresh.join()).isEqualTo(262_144);
    assertThat(limits.limitOf("q").join()).isEqualTo(262_144);
    assertThat(reads).hasSize(2);
  }

  @Test
  void forget_aLimitOtherThanTheOneKept_isNotForgotten() {
    QueueSizeLimits limits = limits(target -> CompletableFuture.completedFuture("262144"));
    assertThat(limits.limitOf("q").join()).isEqualTo(262_144);

    // a send planned at the old 1 MiB, refused after the new limit was read: nothing to read again
    assertThat(limits.forget("q", 1_048_576)).isFalse();
    assertThat(limits.forget("never-read", 262_144)).isFalse();
    assertThat(limits.limitOf("q").join()).isEqualTo(262_144);
    assertThat(reads).containsExactly("q");
  }

  @Test
  void limitOf_concurrentFirstSends_shareOneRead() {
    CompletableFuture<String> answer = new CompletableFuture<>();
    QueueSizeLimits limits = limits(target -> answer);

    CompletableFuture<Integer> first = limits.limitOf("q");
    CompletableFuture<Integer> second = limits.limitOf("q");
    assertThat(limits.known("q")).isEmpty();
    answer.complete("300000");

    assertThat(first.join()).isEqualTo(300_000);
    assertThat(second.join()).isEqualTo(300_000);
    assertThat(limits.known("q")).hasValue(300_000);
    assertThat(reads).hasSize(1);
  }

  @Test
  void limitOf_failedRead_fallsBackTo262144AndReadsAgainAfterTheInterval() {
    List<CompletableFuture<String>> answers =
        new ArrayList<>(
            List.of(
                CompletableFuture.failedFuture(new IllegalStateException("access denied")),
                CompletableFuture.completedFuture("1048576")));
    QueueSizeLimits limits = limits(target -> answers.remove(0));

    assertThat(limits.limitOf("q").join()).isEqualTo(262_144);
    assertThat(limits.limitOf("q").join()).isEqualTo(262_144);
    now.addAndGet(Duration.ofMinutes(5).toNanos());
    assertThat(limits.limitOf("q").join()).isEqualTo(1_048_576);
    assertThat(reads).hasSize(2);
  }

  @Test
  void limitOf_readThatThrows_fallsBackTo262144() {
    QueueSizeLimits limits =
        limits(
            target -> {
              throw new IllegalStateException("no client");
            });

    assertThat(limits.limitOf("q").join()).isEqualTo(262_144);
  }

  @Test
  void limitOf_answerWithoutOrWithAnInvalidValue_fallsBackTo262144() {
    assertThat(limits(t -> CompletableFuture.completedFuture(null)).limitOf("q").join())
        .isEqualTo(262_144);
    assertThat(limits(t -> CompletableFuture.completedFuture("lots")).limitOf("q").join())
        .isEqualTo(262_144);
    assertThat(limits(t -> CompletableFuture.completedFuture("2000000")).limitOf("q").join())
        .isEqualTo(262_144);
    assertThat(limits(t -> CompletableFuture.completedFuture("1023")).limitOf("q").join())
        .isEqualTo(262_144);
    assertThat(limits(t -> CompletableFuture.completedFuture(" 1024 ")).limitOf("q").join())
        .isEqualTo(1_024);
  }
}
