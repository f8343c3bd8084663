/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.consumer.RetryPolicy;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.faults.FaultInjector;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The FIFO soak: 20 groups of ordered messages through three consumers whose handler starts a rate
 * limiter keeps postponing, while 10 % of every process's HTTP requests fail and one consumer is
 * crashed twice. Per group, the first effects must happen in send order, and nothing may be lost.
 *
 * <p>Scaled down by default (20 groups × 20); {@code -Dsqsx.soak=full} runs 20 × 100.
 */
@LocalAws
class FifoSoakIT {

  private static final boolean FULL =
      "full".equalsIgnoreCase(System.getProperty("sqsx.soak", System.getenv("SQSX_SOAK")));
  private static final int GROUPS = 20;
  private static final int PER_GROUP = Integer.getInteger("sqsx.soak.perGroup", FULL ? 100 : 20);
  private static final long SEED = Long.getLong("sqsx.soak.seed", 20_261_129L);
  private static final int INSTANCES = 3;
  private static final int CRASHES = 2;
  private static final Duration TIMEOUT = FULL ? Duration.ofMinutes(10) : Duration.ofMinutes(4);

  /** Per group, the sequence numbers in the order their effect was first applied. */
  private final Map<Integer, List<Integer>> firstEffects = new ConcurrentHashMap<>();

  private final Map<String, Boolean> applied = new ConcurrentHashMap<>();
  private final LongAdder executions = new LongAdder();
  private final List<FaultInjector> injectors = new CopyOnWriteArrayList<>();

  @Test
  void twentyGroups_postponedAndFaulted_andCrashed_firstEffectsInSendOrder_nothingLost(
      AwsEndpoints endpoints, AwsResources aws) throws Exception {
    QueueWithDlq queue = aws.createFifoQueueWithDlq(10, Duration.ofSeconds(5));
    long started = System.nanoTime();
    List<Instance> crashed = new ArrayList<>();
    Instance[] live = new Instance[INSTANCES];
    try {
      for (int i = 0; i < INSTANCES; i++) {
        live[i] = new Instance("f" + i + ".0", endpoints, queue.queueUrl());
      }
      Thread producer = new Thread(() -> produce(endpoints, queue.queueUrl()), "fifo-producer");
      producer.start();

      int total = GROUPS * PER_GROUP;
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      int crashes = 0;
      while (System.nanoTime() < deadline) {
        if (crashes < CRASHES && applied.size() >= (crashes + 1) * total / (CRASHES + 1)) {
          crashes++;
          live[0].crash();
          crashed.add(live[0]);
          live[0] = new Instance("f0." + crashes, endpoints, queue.queueUrl());
        }
        if (!producer.isAlive()
            && crashes == CRASHES
            && applied.size() == total
            && aws.messagesIn(queue.queueUrl()) == 0) {
          break;
        }
        Thread.sleep(100);
      }
      producer.join(Duration.ofSeconds(30).toMillis());
      long postponed = 0;
      for (Instance instance : live) {
        postponed += instance.consumer.stats().postponed();
        instance.stop();
      }
      for (Instance instance : crashed) {
        postponed += instance.consumer.stats().postponed();
      }
      long requests = injectors.stream().mapToLong(i -> i.stats().requests()).sum();
      long faults = injectors.stream().mapToLong(i -> i.stats().totalInjected()).sum();
      System.out.printf(
          Locale.ROOT,
          "fifo soak: %d groups x %d in %.1f s, seed %d; %,d HTTP requests, %,d faults injected;"
              + " %d crashes; %d postponements; %,d executions for %,d messages; lost %d;"
              + " groups out of order %d; DLQ %d%n",
          GROUPS,
          PER_GROUP,
          (System.nanoTime() - started) / 1e9,
          SEED,
          requests,
          faults,
          crashes,
          postponed,
          executions.sum(),
          total,
          total - applied.size(),
          outOfOrderGroups(),
          aws.messagesIn(queue.dlqUrl()));

      assertThat(crashes).isEqualTo(CRASHES);
      assertThat(postponed).as("the rate limiter postponed starts").isPositive();
      assertThat(total - applied.size()).as("messages lost").isZero();
      for (int group = 0; group < GROUPS; group++) {
        List<Integer> expected = new ArrayList<>();
        for (int seq = 0; seq < PER_GROUP; seq++) {
          expected.add(seq);
        }
        assertThat(firstEffects.get(group))
            .as("group %d: first effects in send order", group)
            .containsExactlyElementsOf(expected);
      }
      assertThat(aws.messagesIn(queue.queueUrl())).as("left in the queue").isZero();
      assertThat(aws.messagesIn(queue.dlqUrl())).as("dead-lettered").isZero();
    } finally {
      for (Instance instance : live) {
        if (instance != null) {
          instance.stop();
        }
      }
    }
  }

  private long outOfOrderGroups() {
    return firstEffects.values().stream()
        .filter(
            seqs -> {
              for (int i = 1; i < seqs.size(); i++) {
                if (seqs.get(i) < seqs.get(i - 1)) {
                  return true;
                }
              }
              return false;
            })
        .count();
  }

  private FaultInjector nextInjector() {
    FaultInjector faults =
        FaultInjector.builder()
            .seed(SEED + injectors.size())
            .failureRate(0.10)
            .latency(0.05, Duration.ofMillis(30))
            .build();
    injectors.add(faults);
    return faults;
  }

  /** Sends every group's messages in order, 10 per batch across groups, resending what fails. */
  private void produce(AwsEndpoints endpoints, String queueUrl) {
    try (FaultyClients clients = new FaultyClients(endpoints, nextInjector())) {
      for (int seq = 0; seq < PER_GROUP; seq++) {
        for (int from = 0; from < GROUPS; from += 10) {
          List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
          for (int group = from; group < Math.min(GROUPS, from + 10); group++) {
            entries.add(
                SendMessageBatchRequestEntry.builder()
                    .id("g" + group)
                    .messageGroupId("g" + group)
                    .messageDeduplicationId("g" + group + "-" + seq)
                    .messageBody(group + ":" + seq)
                    .build());
          }
          sendInOrder(clients, queueUrl, entries);
        }
      }
    }
  }

  /**
   * Sends until every entry is accepted. A group's next message is sent only after this one is
   * accepted, so a resend never overtakes it; the deduplication id makes a resend of an enqueued
   * message harmless.
   */
  private static void sendInOrder(
      FaultyClients clients, String queueUrl, List<SendMessageBatchRequestEntry> entries) {
    List<SendMessageBatchRequestEntry> pending = entries;
    while (!pending.isEmpty()) {
      List<SendMessageBatchRequestEntry> sending = pending;
      try {
        SendMessageBatchResponse response =
            clients.sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(sending));
        List<String> failed = response.failed().stream().map(f -> f.id()).toList();
        pending = sending.stream().filter(e -> failed.contains(e.id())).toList();
      } catch (RuntimeException e) {
        // the outcome is unknown: send the same batch again (deduplicated if it arrived)
      }
    }
  }

  /** One consumer process: its own faulty clients, a postponing rate limiter, an effect log. */
  private final class Instance {
    private final FaultyClients clients;
    private final SqsConsumer consumer;
    private volatile boolean alive = true;

    Instance(String name, AwsEndpoints endpoints, String queueUrl) {
      this.clients = new FaultyClients(endpoints, nextInjector());
      RateLimiter limiter =
          RateLimiter.of(
              name,
              RateLimiterConfig.custom()
                  .limitForPeriod(5)
                  .limitRefreshPeriod(Duration.ofMillis(50))
                  .timeoutDuration(Duration.ZERO)
                  .build());
      this.consumer =
          SqsConsumer.builder()
              .sqsClient(clients.sqsAsync)
              .queueUrl(queueUrl)
              .concurrency(8)
              .waitTime(Duration.ofSeconds(1))
              .shutdownTimeout(Duration.ofSeconds(5))
              .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(1)))
              .rateLimiter(limiter)
              .handler(
                  message -> {
                    if (!alive) {
                      throw new IllegalStateException(name + " has crashed");
                    }
                    executions.increment();
                    int colon = message.body().indexOf(':');
                    int group = Integer.parseInt(message.body().substring(0, colon));
                    int seq = Integer.parseInt(message.body().substring(colon + 1));
                    if (applied.putIfAbsent(message.body(), Boolean.TRUE) == null) {
                      firstEffects
                          .computeIfAbsent(group, g -> new CopyOnWriteArrayList<>())
                          .add(seq);
                    }
                  })
              .build();
      consumer.start();
    }

    /** Dies at once: nothing it does from now on reaches AWS or the effect log. */
    void crash() {
      alive = false;
      clients.faults.partition();
      Thread reaper =
          new Thread(
              () -> {
                consumer.close();
                clients.close();
              },
              "fifo-reaper");
      reaper.setDaemon(true);
      reaper.start();
    }

    void stop() {
      consumer.close();
      clients.close();
    }
  }
}
