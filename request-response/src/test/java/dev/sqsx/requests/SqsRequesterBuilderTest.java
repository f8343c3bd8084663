/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** Every rule of the builders, with its message. No request is ever sent. */
class SqsRequesterBuilderTest {

  private static final SqsAsyncClient SQS =
      SqsAsyncClient.builder()
          .endpointOverride(URI.create("http://127.0.0.1:9"))
          .region(Region.US_EAST_1)
          .credentialsProvider(
              StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
          .build();

  @AfterAll
  static void closeClient() {
    SQS.close();
  }

  @Test
  void requester_rules() {
    rejects(b -> b.sqsClient(null), NullPointerException.class, "sqsClient cannot be null");
    rejects(
        b -> b.replyQueuePrefix("bad prefix"),
        IllegalArgumentException.class,
        "replyQueuePrefix must be 1..60 of [A-Za-z0-9_-] (an SQS queue name is at most 80"
            + " characters, and the requester adds 20), was 'bad prefix'");
    rejects(b -> b.pollers(0), IllegalArgumentException.class, "pollers must be 1..16, was 0");
    rejects(
        b -> b.waitTime(Duration.ofSeconds(21)),
        IllegalArgumentException.class,
        "waitTime must be whole seconds 1..20 (SQS long-poll limit), was PT21S");
    rejects(
        b -> b.deleteInterval(Duration.ofSeconds(11)),
        IllegalArgumentException.class,
        "deleteInterval must be PT0S..PT10S, was PT11S");
    rejects(
        b -> b.deleteInterval(Duration.ofMillis(-1)),
        IllegalArgumentException.class,
        "deleteInterval must be PT0S..PT10S, was PT-0.001S");
    rejects(
        b -> b.defaultTimeout(Duration.ZERO),
        IllegalArgumentException.class,
        "defaultTimeout must be PT0.001S..PT12H, was PT0S");
    rejects(
        b -> b.heartbeatInterval(Duration.ofMinutes(3)),
        IllegalArgumentException.class,
        "sweepIdleAfter must be more than twice heartbeatInterval (PT3M) so that a live"
            + " requester's queue is never swept, was PT5M");
    rejects(
        b -> b.owner(""),
        IllegalArgumentException.class,
        "owner must be 1..256 characters (an SQS tag value), was ''");
    rejects(
        b -> b.sweepInterval(Duration.ofMillis(10)),
        IllegalArgumentException.class,
        "sweepInterval must be PT1S..PT24H, was PT0.01S");
  }

  @Test
  void sweeper_and_responder_rules() {
    assertThatThrownBy(
            () ->
                ReplyQueueSweeper.builder().sqsClient(SQS).idleAfter(Duration.ofMillis(10)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("idleAfter must be PT1S..PT336H, was PT0.01S");
    assertThatThrownBy(() -> SqsResponder.builder().sqsClient(SQS).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a handler or an asyncHandler is required");
  }

  private static void rejects(
      UnaryOperator<SqsRequester.Builder> change, Class<? extends Throwable> type, String message) {
    assertThatThrownBy(() -> change.apply(SqsRequester.builder().sqsClient(SQS)).build())
        .isInstanceOf(type)
        .hasMessage(message);
  }
}
