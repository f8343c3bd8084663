/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

class SendAttemptsTest {

  @Test
  void maxAttempts_followsTheClientsRetryStrategy() {
    try (SqsClient five =
            client()
                .overrideConfiguration(
                    o ->
                        o.retryStrategy(
                            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(5)
                                .build()))
                .build();
        SqsClient none =
            client()
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        SqsClient defaults = client().build()) {
      assertThat(SendAttempts.maxAttempts(five)).isEqualTo(5);
      assertThat(SendAttempts.maxAttempts(none)).isEqualTo(1);
      assertThat(SendAttempts.maxAttempts(defaults))
          .as("the SDK's default for a client configured with nothing")
          .isEqualTo(AwsRetryStrategy.defaultRetryStrategy().maxAttempts());
    }
  }

  @Test
  void retryable_isThrottlingA5xxOrNoAnswer_notARefusal() {
    assertThat(SendAttempts.retryable(status(500, "InternalError"))).isTrue();
    assertThat(SendAttempts.retryable(status(400, "RequestThrottled"))).isTrue();
    assertThat(
            SendAttempts.retryable(
                new CompletionException(
                    SdkClientException.create("reset", new IOException("Connection reset")))))
        .isTrue();
    assertThat(SendAttempts.retryable(QueueDoesNotExistException.builder().statusCode(400).build()))
        .isFalse();
  }

  @Test
  void retryable_sqsxsOwnFailure_onlyForARetryableCause() {
    // ExtendedClientException is an SdkClientException (which alone reads as "no answer"): a
    // refused payload must not be sent again, a store that did not answer may be.
    assertThat(
            SendAttempts.retryable(
                new dev.sqsx.extended.PayloadNotAllowedException(
                    "bucket not allowed", null, null, null, null)))
        .isFalse();
    assertThat(SendAttempts.retryable(new dev.sqsx.extended.ExtendedClientException("no room")))
        .isFalse();
    assertThat(
            SendAttempts.retryable(
                new dev.sqsx.extended.ExtendedClientException(
                    "cannot store payload",
                    SdkClientException.create("reset", new IOException("Connection reset")))))
        .isTrue();
  }

  @Test
  void delays_growFrom100MillisAndStayUnder5Seconds() {
    for (int i = 0; i < 100; i++) {
      assertThat(SendAttempts.delayMillis(2)).isBetween(50L, 100L);
      assertThat(SendAttempts.delayMillis(4)).isBetween(200L, 400L);
      assertThat(SendAttempts.delayMillis(40)).isBetween(2_500L, 5_000L);
    }
  }

  @Test
  void withoutSdkRetries_keepsTheCallersOverride() {
    var override =
        SendAttempts.withoutSdkRetries(
            Optional.of(
                software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration.builder()
                    .putHeader("x-trace", "t")
                    .build()));
    assertThat(override.headers()).containsKey("x-trace");
    assertThat(override.plugins()).hasSize(1);
  }

  private static SqsException status(int status, String code) {
    return (SqsException)
        SqsException.builder()
            .statusCode(status)
            .awsErrorDetails(
                software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                    .errorCode(code)
                    .build())
            .build();
  }

  private static software.amazon.awssdk.services.sqs.SqsClientBuilder client() {
    return SqsClient.builder()
        .region(Region.US_EAST_1)
        .credentialsProvider(AnonymousCredentialsProvider.create());
  }
}
