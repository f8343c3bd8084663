/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import dev.sqsx.extended.ExtendedClientException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * How the extended clients retry an offloaded send themselves instead of leaving it to the SDK.
 *
 * <p>An SDK retry of a send whose response was lost enqueues the same pointer twice: the first
 * copy's delete removes the payload the second still needs. So an offloaded send goes out with the
 * SDK's retries off, and the client retries it — with a fresh payload whenever the last attempt's
 * outcome is unknown (it may have been enqueued), with the same payload when SQS refused it
 * (throttled: nothing was enqueued). Attempts: as many as the SQS client's own retry strategy
 * allows (the SDK's default when the client configures none).
 */
public final class SendAttempts {

  /** Attempts when the client's configuration cannot be read (a decorator, a test double). */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  private static final long BASE_DELAY_MILLIS = 100;
  private static final long MAX_DELAY_MILLIS = 5_000;

  /** Turns the SDK's retries off for the one request it is added to. */
  private static final SdkPlugin NO_SDK_RETRIES =
      config -> {
        ClientOverrideConfiguration current = config.overrideConfiguration();
        ClientOverrideConfiguration.Builder override =
            current == null ? ClientOverrideConfiguration.builder() : current.toBuilder();
        config.overrideConfiguration(override.retryStrategy(AwsRetryStrategy.doNotRetry()).build());
      };

  private SendAttempts() {}

  /**
   * The attempts the client's (resolved) retry strategy allows, or {@value #DEFAULT_MAX_ATTEMPTS}
   * when it cannot be read.
   */
  public static int maxAttempts(SdkClient client) {
    try {
      return client
          .serviceClientConfiguration()
          .overrideConfiguration()
          .retryStrategy()
          .map(RetryStrategy::maxAttempts)
          .filter(attempts -> attempts >= 1)
          .orElse(DEFAULT_MAX_ATTEMPTS);
    } catch (RuntimeException e) {
      return DEFAULT_MAX_ATTEMPTS; // a client that cannot say (a decorator, a test double)
    }
  }

  /** The request's override configuration with the SDK's retries off, the caller's kept. */
  public static AwsRequestOverrideConfiguration withoutSdkRetries(
      java.util.Optional<AwsRequestOverrideConfiguration> current) {
    return current
        .map(AwsRequestOverrideConfiguration::toBuilder)
        .orElseGet(AwsRequestOverrideConfiguration::builder)
        .addPlugin(NO_SDK_RETRIES)
        .build();
  }

  /**
   * Whether another attempt may succeed: throttling, a 5xx answer, or no answer at all (a reset
   * connection, a timeout).
   */
  public static boolean retryable(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ExtendedClientException own) {
      // sqsx's own failure (a store error, a refused payload): retryable only for its cause
      return own.getCause() != null && own.getCause() != own && retryable(own.getCause());
    }
    if (cause instanceof SdkServiceException service) {
      return service.isThrottlingException() || service.statusCode() >= 500;
    }
    return cause instanceof SdkClientException;
  }

  /** The pause before attempt {@code next} (2, 3, ...): exponential from 100 ms, full jitter. */
  public static long delayMillis(int next) {
    long ceiling = Math.min(MAX_DELAY_MILLIS, BASE_DELAY_MILLIS << Math.min(next - 2, 16));
    return ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
  }
}
