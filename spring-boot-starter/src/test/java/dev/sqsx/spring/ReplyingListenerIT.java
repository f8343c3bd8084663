/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.requests.Reply;
import dev.sqsx.requests.ReplyMessage;
import dev.sqsx.requests.SqsRequester;
import dev.sqsx.testing.AwsResources;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * A {@link SqsxListener} method that returns something answers requests: its return value goes to
 * the request's reply-to queue (through {@code SqsResponder}) before the request is deleted.
 */
class ReplyingListenerIT {

  /** One blocking and one asynchronous replying listener. */
  static class Answers {
    @SqsxListener(queue = "${test.blocking}")
    String upperCase(String body) {
      return body.toUpperCase(java.util.Locale.ROOT);
    }

    @SqsxListener(queue = "${test.async}")
    CompletionStage<ReplyMessage> withAttribute(String body) {
      return CompletableFuture.completedFuture(
          ReplyMessage.of(
              "length " + body.length(),
              Map.of(
                  "answeredBy",
                  MessageAttributeValue.builder()
                      .dataType("String")
                      .stringValue("async")
                      .build())));
    }
  }

  /** A listener whose return type is no reply. */
  static class ReturnsAnInt {
    @SqsxListener(queue = "${test.blocking}")
    int count(String body) {
      return body.length();
    }
  }

  /** A replying listener that also declares an idempotency key. */
  static class RepliesIdempotently {
    @SqsxListener(queue = "${test.blocking}", idempotencyKey = "messageId")
    String answer(String body) {
      return body;
    }
  }

  private static ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(JacksonAutoConfiguration.class, SqsxAutoConfiguration.class))
        .withUserConfiguration(Embedded.Clients.class)
        .withPropertyValues("sqsx.consumer.wait-time=1s");
  }

  @Test
  void aListenerReturningAReply_answersEachRequest_andTheRequestIsDeleted() {
    AwsResources aws = Embedded.resources();
    String blocking = aws.createQueue();
    String async = aws.createQueue();
    runner()
        .withBean(Answers.class, Answers::new)
        .withPropertyValues("test.blocking=" + blocking, "test.async=" + async)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              try (SqsRequester requester =
                  SqsRequester.builder()
                      .sqsClient(context.getBean(SqsAsyncClient.class))
                      .waitTime(Duration.ofSeconds(1))
                      .build()) {
                requester.start();
                Reply upper =
                    requester
                        .request(blocking, "hello", Duration.ofSeconds(30))
                        .get(40, TimeUnit.SECONDS);
                Reply length =
                    requester
                        .request(async, "four", Duration.ofSeconds(30))
                        .get(40, TimeUnit.SECONDS);

                assertThat(upper.body()).isEqualTo("HELLO");
                assertThat(length.body()).isEqualTo("length 4");
                assertThat(length.attributes().get("answeredBy").stringValue()).isEqualTo("async");
                await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> aws.messagesIn(blocking) == 0 && aws.messagesIn(async) == 0);
              }
            });
  }

  @Test
  void aReturnTypeThatIsNoReply_failsStartup_namingTheMethodAndWhatItMayReturn() {
    AwsResources aws = Embedded.resources();
    runner()
        .withBean(ReturnsAnInt.class, ReturnsAnInt::new)
        .withPropertyValues("test.blocking=" + aws.createQueue())
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(rootCause(context.getStartupFailure()))
                  .isInstanceOf(SqsxConfigurationException.class)
                  .hasMessageContaining("ReplyingListenerIT$ReturnsAnInt.count returns int")
                  .hasMessageContaining("String, ReplyMessage, or a CompletionStage of either");
            });
  }

  @Test
  void aReplyingListenerWithAnIdempotencyKey_failsStartup_sayingWhy() {
    AwsResources aws = Embedded.resources();
    runner()
        .withBean(RepliesIdempotently.class, RepliesIdempotently::new)
        .withPropertyValues("test.blocking=" + aws.createQueue())
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(rootCause(context.getStartupFailure()))
                  .isInstanceOf(SqsxConfigurationException.class)
                  .hasMessageContaining(
                      "RepliesIdempotently.answer replies and has idempotencyKey");
            });
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && !(cause instanceof SqsxConfigurationException)) {
      cause = cause.getCause();
    }
    return cause;
  }
}
