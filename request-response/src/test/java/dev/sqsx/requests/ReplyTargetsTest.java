/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplyTargetsTest {

  private static final String REQUESTS = "https://sqs.eu-west-1.amazonaws.com/123456789012/prices";

  @Test
  void aQueueOfTheSameEndpointAndAccount_isAllowed_whateverItsNameCaseOrDefaultPort() {
    assertThat(
            ReplyTargets.sameEndpointAndAccount(
                REQUESTS, "https://sqs.eu-west-1.amazonaws.com/123456789012/sqsx-reply-0a1b"))
        .isTrue();
    assertThat(
            ReplyTargets.sameEndpointAndAccount(
                REQUESTS, "https://SQS.eu-west-1.amazonaws.com:443/123456789012/replies.fifo"))
        .isTrue();
    assertThat(
            ReplyTargets.sameEndpointAndAccount(
                "http://127.0.0.1:9324/000000000000/requests",
                "http://127.0.0.1:9324/000000000000/sqsx-reply-x"))
        .isTrue();
  }

  @Test
  void anotherAccountHostPortOrScheme_isRefused() {
    assertThat(
            ReplyTargets.sameEndpointAndAccount(
                REQUESTS, "https://sqs.eu-west-1.amazonaws.com/999999999999/collect"))
        .isFalse();
    assertThat(
            ReplyTargets.sameEndpointAndAccount(
                REQUESTS, "https://sqs.us-east-1.amazonaws.com/123456789012/collect"))
        .isFalse();
    assertThat(
            ReplyTargets.sameEndpointAndAccount(
                REQUESTS, "https://sqs.eu-west-1.amazonaws.com:8443/123456789012/collect"))
        .isFalse();
    assertThat(
            ReplyTargets.sameEndpointAndAccount(
                REQUESTS, "http://sqs.eu-west-1.amazonaws.com/123456789012/collect"))
        .isFalse();
    assertThat(
            ReplyTargets.sameEndpointAndAccount(
                "not a url", "https://sqs.eu-west-1.amazonaws.com/123456789012/collect"))
        .isFalse();
  }

  @Test
  void whatIsNotAnSqsQueueUrl_isNoQueueAddress() {
    for (String hostile :
        new String[] {
          "",
          "sqsx-reply-0a1b",
          "file:///etc/passwd",
          "ftp://sqs.eu-west-1.amazonaws.com/123456789012/q",
          "https://sqs.eu-west-1.amazonaws.com@evil.example/123456789012/q",
          "https://user@sqs.eu-west-1.amazonaws.com/123456789012/q",
          "https://sqs.eu-west-1.amazonaws.com/123456789012/q?Action=DeleteQueue",
          // AWS's temporary-queues client's virtual queue form
          "https://sqs.eu-west-1.amazonaws.com/123456789012/host#virtual",
          "https://sqs.eu-west-1.amazonaws.com/123456789012/q/",
          "https://sqs.eu-west-1.amazonaws.com/123456789012/a/b",
          "https://sqs.eu-west-1.amazonaws.com/123456789012/../other/q",
          "https://sqs.eu-west-1.amazonaws.com/123456789012/q%2Fx",
          "https://sqs.eu-west-1.amazonaws.com/123456789012/" + "q".repeat(81),
          "https://sqs.eu-west-1.amazonaws.com/123456789012/" + "q".repeat(76) + ".fifo",
          "https://sqs.eu-west-1.amazonaws.com/123456789012/q\nINFO forged log line",
          "https:///123456789012/q"
        }) {
      assertThat(ReplyTargets.parse(hostile)).as(hostile).isNull();
    }
    assertThat(ReplyTargets.parse(null)).isNull();
    assertThat(
            ReplyTargets.parse(
                "https://sqs.eu-west-1.amazonaws.com/123456789012/" + "q".repeat(75) + ".fifo"))
        .isNotNull();
  }

  @Test
  void shown_cutsLongTextAndReplacesControlCharacters() {
    assertThat(ReplyTargets.shown("a\nb\rc\u0000d")).isEqualTo("a?b?c?d");
    assertThat(ReplyTargets.shown("x".repeat(300))).isEqualTo("x".repeat(256) + "...");
  }
}
