/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

@LocalAws
class FifoConsumerIT {

  @Test
  void fiveGroupsOf200_inOrderWithinEachGroup_groupsInParallel_aFailureReordersNothing(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createFifoQueue(false);
    int groups = 5;
    int perGroup = 200;
    for (int seq = 0; seq < perGroup; seq += 2) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int group = 0; group < groups; group++) {
        for (int s = seq; s < seq + 2; s++) {
          entries.add(
              SendMessageBatchRequestEntry.builder()
                  .id("g" + group + "s" + s)
                  .messageGroupId("g" + group)
                  .messageDeduplicationId("g" + group + "-" + s)
                  .messageBody("g" + group + ":" + s)
                  .build());
        }
      }
      assertThat(sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)).failed())
          .isEmpty();
    }
    Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicBoolean failedOnce = new AtomicBoolean();
    List<String> failures = new CopyOnWriteArrayList<>();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .concurrency(8)
            .waitTime(Duration.ofSeconds(1))
            .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(1)))
            .handler(
                m -> {
                  maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                  try {
                    String[] parts = m.body().split(":", -1);
                    int seq = Integer.parseInt(parts[1]);
                    if (parts[0].equals("g2")
                        && seq == 50
                        && failedOnce.compareAndSet(false, true)) {
                      failures.add(m.body());
                      throw new IllegalStateException("transient");
                    }
                    Thread.sleep(2);
                    handled.computeIfAbsent(parts[0], g -> new CopyOnWriteArrayList<>()).add(seq);
                  } finally {
                    running.decrementAndGet();
                  }
                })
            .build();
    consumer.start();
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> consumer.stats().deleted() == (long) groups * perGroup);
    consumer.close();

    List<Integer> expected = new ArrayList<>();
    for (int s = 0; s < perGroup; s++) {
      expected.add(s);
    }
    assertThat(handled).hasSize(groups);
    handled.forEach(
        (group, seqs) ->
            assertThat(seqs).as("group %s", group).containsExactlyElementsOf(expected));
    assertThat(failures).containsExactly("g2:50");
    assertThat(maxRunning.get()).as("groups ran in parallel").isGreaterThan(1);
  }
}
