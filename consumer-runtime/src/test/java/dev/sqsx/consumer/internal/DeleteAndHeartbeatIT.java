/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

@LocalAws
class DeleteAndHeartbeatIT {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final Counters counters = new Counters(MetricsSink.none());

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private static List<Lease> receive(SqsClient sqs, String queueUrl, int count) {
    List<Lease> leases = new ArrayList<>();
    while (leases.size() < count) {
      for (Message message :
          sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages()) {
        long now = System.currentTimeMillis();
        leases.add(new Lease(new ReceivedMessage(message, queueUrl, null), now, now + 30_000));
      }
    }
    return leases;
  }

  private static Lease forged(String queueUrl) {
    long now = System.currentTimeMillis();
    Message fake =
        Message.builder().messageId("forged-1").receiptHandle("not-a-receipt-handle").build();
    return new Lease(new ReceivedMessage(fake, queueUrl, null), now, now + 30_000);
  }

  @Test
  void deleteBatch_withOneInvalidHandle_deletesTheOthers_andReportsTheFailure(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) throws Exception {
    String queueUrl = aws.createQueue();
    for (int i = 0; i < 4; i++) {
      String body = "m" + i;
      sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }
    VisibilityHeartbeat heartbeat =
        new VisibilityHeartbeat(
            new VisibilityChanger(sqsAsync, queueUrl),
            queueUrl,
            30,
            Duration.ofMinutes(1),
            counters,
            Clock.systemUTC());
    DeleteBatcher deletes =
        new DeleteBatcher(
            sqsAsync,
            queueUrl,
            Duration.ofSeconds(5),
            heartbeat,
            counters,
            scheduler,
            Clock.systemUTC());
    List<Lease> leases = receive(sqs, queueUrl, 4);
    leases.add(2, forged(queueUrl));
    leases.forEach(heartbeat::track);

    leases.forEach(deletes::add);
    deletes.flushAll().get(10, TimeUnit.SECONDS);

    assertThat(counters.snapshot().deleted()).isEqualTo(4);
    assertThat(counters.snapshot().deleteFailures()).isEqualTo(1);
    assertThat(heartbeat.tracked()).isZero();
    sqs.setQueueAttributes(
        r ->
            r.queueUrl(queueUrl).attributesWithStrings(java.util.Map.of("VisibilityTimeout", "0")));
    assertThat(sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1)).messages())
        .isEmpty();
  }

  @Test
  void heartbeat_extendsLeasesNearTheirDeadline_andMarksARejectedHandleLost(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("held"));
    VisibilityHeartbeat heartbeat =
        new VisibilityHeartbeat(
            new VisibilityChanger(sqsAsync, queueUrl),
            queueUrl,
            2,
            Duration.ofMinutes(1),
            counters,
            Clock.systemUTC());
    Lease held = receive(sqs, queueUrl, 1).get(0);
    Lease forged = forged(queueUrl);
    long soon = System.currentTimeMillis() + 500;
    held.extendedUntil(soon);
    forged.extendedUntil(soon);
    heartbeat.track(held);
    heartbeat.track(forged);

    heartbeat.tick();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> forged.lost() && held.deadlineMillis() > soon);
    assertThat(held.lost()).isFalse();
    assertThat(counters.snapshot().leasesLost()).isEqualTo(1);
    assertThat(counters.snapshot().visibilityExtensions()).isEqualTo(1);
  }
}
