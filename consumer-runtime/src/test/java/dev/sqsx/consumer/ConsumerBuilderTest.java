/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

class ConsumerBuilderTest {

  private static final SqsAsyncClient SQS =
      SqsAsyncClient.builder()
          .region(Region.US_EAST_1)
          .credentialsProvider(AnonymousCredentialsProvider.create())
          .build();

  @AfterAll
  static void close() {
    SQS.close();
  }

  private static void rejects(UnaryOperator<SqsConsumerBuilder> change, String message) {
    SqsConsumerBuilder builder =
        SqsConsumer.builder().sqsClient(SQS).queueUrl("https://q").handler(m -> {});
    assertThatThrownBy(() -> change.apply(builder).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void everyRule_isEnforcedWithItsReason() {
    rejects(b -> b.concurrency(0), "concurrency must be 1..10000 (handlers at once), was 0");
    rejects(
        b -> b.maxLongPolls(0),
        "maxLongPolls must be 1..10000 (receives open at once on one SQS client, within its HTTP"
            + " connection limit), was 0");
    rejects(
        b -> b.prefetch(-1),
        "prefetch must be 0..1000 (messages held ahead of a free slot), was -1");
    rejects(
        b -> b.maxInFlightPerGroup(0),
        "maxInFlightPerGroup must be 1..10000 (handler slots one message group may hold), was 0");
    rejects(
        b -> b.tenantMetrics(1_001),
        "tenantMetrics must be 0..1000 (tenants named in the per-tenant meters), was 1001");
    rejects(
        b -> b.tenantMetricsRefresh(Duration.ofMillis(500)),
        "tenantMetricsRefresh must be PT1S..PT1H (how often the top tenants are recomputed), was"
            + " PT0.5S");
    rejects(
        b -> b.prefetchBytes(1023),
        "prefetchBytes must be at least 1024 (the body held by waiting messages), was 1023");
    rejects(
        b -> b.waitTime(Duration.ofSeconds(21)),
        "waitTime must be whole seconds 0..20 (the SQS long-poll limit), was PT21S");
    rejects(
        b -> b.visibilityTimeout(Duration.ofMillis(1500)),
        "visibilityTimeout must be whole seconds 1..43200 (the SQS visibility limit), was PT1.5S");
    rejects(
        b -> b.maxProcessingTime(Duration.ofHours(13)),
        "maxProcessingTime must be PT1S..PT12H (SQS keeps a message invisible for at most 12"
            + " hours), was PT13H");
    rejects(
        b -> b.shutdownTimeout(Duration.ofSeconds(-1)),
        "shutdownTimeout must be PT0S..PT1H (a bounded shutdown), was PT-1S");
    rejects(
        b -> b.acknowledgementInterval(Duration.ofMinutes(2)),
        "acknowledgementInterval must be PT0S..PT1M (deletes must not wait past visibility"
            + " deadlines), was PT2M");
    rejects(b -> b.queueUrl(" "), "queueUrl must be set, was ' '");
    rejects(
        b -> b.queueAttributesRefresh(Duration.ofMillis(10)),
        "queueAttributesRefresh must be zero (never) or PT1S..PT24H, was PT0.01S");
  }

  @Test
  void prefetch_byDefault_keepsOneReceiveInFlightPerHandler_upToThirtyTwo() {
    int[][] expected = {
      {1, 10}, {2, 18}, {4, 36}, {10, 90}, {16, 144}, {32, 288}, {64, 256}, {100, 220}, {400, 10}
    };
    for (int[] row : expected) {
      int concurrency = row[0];
      int prefetch = ConsumerConfig.defaultPrefetch(concurrency, false);
      assertThat(prefetch).as("prefetch at concurrency %d", concurrency).isEqualTo(row[1]);
      assertThat(concurrency + prefetch)
          .as("held at concurrency %d: at most 320, or concurrency + 10", concurrency)
          .isLessThanOrEqualTo(Math.max(320, concurrency + 10));
    }
    assertThat(ConsumerConfig.defaultPrefetch(4, true))
        .as("a batch handler's slots hold 10 each already")
        .isEqualTo(10);
  }

  @Test
  void twoHandlerShapes_areRefused() {
    assertThatThrownBy(
            () ->
                SqsConsumer.builder()
                    .sqsClient(SQS)
                    .queueUrl("https://q")
                    .handler(m -> {})
                    .batchHandler(ms -> BatchOutcome.allSucceeded())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("exactly one of handler, asyncHandler and batchHandler must be set");
  }

  @Test
  void aHandler_isRequired() {
    assertThatThrownBy(() -> SqsConsumer.builder().sqsClient(SQS).queueUrl("https://q").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("exactly one of handler, asyncHandler and batchHandler must be set");
  }

  @Test
  void virtualThreads_onlyWhereTheJvmHasThem() {
    SqsConsumerBuilder builder =
        SqsConsumer.builder()
            .sqsClient(SQS)
            .queueUrl("https://q")
            .handler(m -> {})
            .virtualThreads(true);
    if (Runtime.version().feature() >= 21) {
      assertThat(builder.build()).isNotNull();
    } else {
      assertThatThrownBy(builder::build)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("virtualThreads needs JDK 21 or newer");
    }
  }

  @Test
  void close_withoutStart_isANoOp_andIdempotent() {
    SqsConsumer consumer =
        SqsConsumer.builder().sqsClient(SQS).queueUrl("https://q").handler(m -> {}).build();

    consumer.close();
    consumer.close();

    assertThat(consumer.isRunning()).isFalse();
  }

  @Test
  void aBuiltConsumer_neverSeesLaterChangesToItsBuilder() {
    SqsConsumerBuilder builder =
        SqsConsumer.builder().sqsClient(SQS).queueUrl("https://q/first").handler(m -> {});
    SqsConsumer first = builder.build();

    SqsConsumer second = builder.queueUrl("https://q/second").concurrency(3).build();

    assertThat(first.queueUrl()).isEqualTo("https://q/first");
    assertThat(second.queueUrl()).isEqualTo("https://q/second");
  }
}
