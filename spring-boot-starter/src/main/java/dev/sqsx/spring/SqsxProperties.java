/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * sqsx's settings under {@code sqsx.*}. Unset values (null) mean the library's own defaults.
 *
 * @param payload where large payloads go: setting {@code sqsx.payload.bucket} or {@code
 *     sqsx.payload.table} configures the extended clients
 * @param consumer defaults for every {@code @SqsxListener}
 * @param idempotency the idempotency store, for listeners that declare a key
 * @param aws region, credentials and endpoints of the SDK clients sqsx makes (when the application
 *     has none)
 */
@ConfigurationProperties("sqsx")
public record SqsxProperties(
    @DefaultValue Payload payload,
    @DefaultValue Consumer consumer,
    @DefaultValue Idempotency idempotency,
    // ---- issue #31 (starter): client settings ----
    @DefaultValue Aws aws) {

  /**
   * Large payloads.
   *
   * @param bucket the S3 bucket payloads are written to (and read from)
   * @param table the DynamoDB table payloads are written to; with a bucket too, payloads up to
   *     {@code tableMaxSize} go to the table and larger ones to the bucket
   * @param tableMaxSize with both a bucket and a table: the largest payload the table takes
   * @param threshold a fixed offload threshold: offload messages larger than this many bytes,
   *     whatever the queue (1..1048576; 262144 is AWS's library's behaviour). Default: unset, the
   *     extended clients' {@code auto} threshold — each message is offloaded only when it is over
   *     its target queue's own {@code MaximumMessageSize} (read with {@code GetQueueAttributes},
   *     262144 when that read fails)
   * @param alwaysOffload offload every message, whatever its size
   * @param keyPrefix the prefix of the payloads' S3 keys / DynamoDB ids
   * @param allowedBuckets buckets a received pointer may name besides {@code bucket} (pointers to
   *     any other are refused)
   * @param allowedTables tables a received pointer may name besides {@code table}
   * @param cleanup delete a message's payload when the message is deleted
   * @param snsEnvelopes unwrap SNS notifications (queues subscribed to topics without raw delivery)
   */
  public record Payload(
      String bucket,
      String table,
      @DefaultValue("1MB") org.springframework.util.unit.DataSize tableMaxSize,
      Integer threshold,
      @DefaultValue("false") boolean alwaysOffload,
      String keyPrefix,
      @DefaultValue List<String> allowedBuckets,
      @DefaultValue List<String> allowedTables,
      @DefaultValue("true") boolean cleanup,
      @DefaultValue("false") boolean snsEnvelopes) {

    /** Refuses settings that cannot work, naming the property. */
    public Payload {
      if (threshold != null) {
        range("sqsx.payload.threshold", threshold, 1, 1_048_576, "the SQS message size limit");
      }
      if (!hasText(bucket)
          && !hasText(table)
          && (threshold != null
              || alwaysOffload
              || hasText(keyPrefix)
              || !allowedBuckets.isEmpty()
              || !allowedTables.isEmpty())) {
        throw new SqsxConfigurationException(
            "sqsx.payload.bucket (or sqsx.payload.table) must be set: sqsx.payload.* settings"
                + " (threshold, always-offload, key-prefix, allowed-buckets, allowed-tables)"
                + " configure the extended client, which needs a place to offload large payloads"
                + " to");
      }
    }

    /** Whether a store is configured: the extended clients exist. */
    boolean configured() {
      return hasText(bucket) || hasText(table);
    }
  }

  /**
   * Defaults for every listener (an annotation's own values win).
   *
   * @param concurrency handlers run at once per listener (default 10)
   * @param waitTime long-poll wait (0..20 s)
   * @param visibilityTimeout visibility asked for on receive (default: the queue's)
   * @param maxProcessingTime the longest a message is kept invisible for its handler
   * @param shutdownTimeout how long running handlers get on shutdown
   * @param retry backoff between attempts of a failed message
   * @param maxLongPolls the most receives open at once on one SQS client, all its listeners
   *     together (default 40); raise it with the HTTP client's max connections
   */
  public record Consumer(
      Integer concurrency,
      Duration waitTime,
      Duration visibilityTimeout,
      Duration maxProcessingTime,
      Duration shutdownTimeout,
      @DefaultValue Retry retry,
      // the long-poll budget of a shared client (#31 item 4)
      Integer maxLongPolls) {

    /** Refuses settings that cannot work, naming the property. */
    public Consumer {
      if (concurrency != null) {
        range("sqsx.consumer.concurrency", concurrency, 1, 10_000, "handlers at once");
      }
      seconds("sqsx.consumer.wait-time", waitTime, 0, 20, "the SQS long-poll limit");
      seconds(
          "sqsx.consumer.visibility-timeout", visibilityTimeout, 1, 43_200, "the SQS limit, 12h");
      within(
          "sqsx.consumer.max-processing-time",
          maxProcessingTime,
          Duration.ofSeconds(1),
          Duration.ofHours(12),
          "SQS keeps a message invisible for at most 12 hours");
      within(
          "sqsx.consumer.shutdown-timeout",
          shutdownTimeout,
          Duration.ZERO,
          Duration.ofHours(1),
          "a bounded shutdown");
      if (maxLongPolls != null) {
        range(
            "sqsx.consumer.max-long-polls",
            maxLongPolls,
            1,
            10_000,
            "receives open at once on one SQS client");
      }
    }
  }

  /**
   * Exponential backoff: {@code initial}, times {@code multiplier} per attempt, at most {@code
   * max}.
   *
   * @param initial the first delay
   * @param multiplier the growth per attempt
   * @param max the longest delay
   */
  public record Retry(
      @DefaultValue("1s") Duration initial,
      @DefaultValue("2.0") double multiplier,
      @DefaultValue("5m") Duration max) {

    /** Refuses settings that cannot work, naming the property. */
    public Retry {
      positive("sqsx.consumer.retry.initial", initial, "a delay between attempts");
      positive("sqsx.consumer.retry.max", max, "a delay between attempts");
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new SqsxPropertyException(
            "sqsx.consumer.retry.multiplier",
            String.valueOf(multiplier),
            "a finite number >= 1",
            "delays must not shrink");
      }
      if (initial.compareTo(max) > 0) {
        throw new SqsxPropertyException(
            "sqsx.consumer.retry.max",
            text(max),
            "at least sqsx.consumer.retry.initial (" + text(initial) + ")",
            "the longest delay");
      }
    }
  }

  /**
   * The DynamoDB idempotency store.
   *
   * @param table the table keys are claimed in (created by you, or by {@code
   *     DynamoDbIdempotencyStore.createTable})
   * @param lease how long a claim holds while its handler runs
   * @param timeToLive how long a completed key is remembered
   */
  public record Idempotency(String table, Duration lease, Duration timeToLive) {

    /** Refuses settings that cannot work, naming the property. */
    public Idempotency {
      positive("sqsx.idempotency.lease", lease, "a claim must hold while its handler runs");
      positive("sqsx.idempotency.time-to-live", timeToLive, "a key must be remembered");
    }
  }

  static boolean hasText(String value) {
    return value != null && !value.isBlank();
  }

  private static void range(String property, int value, int min, int max, String why) {
    if (value < min || value > max) {
      throw new SqsxPropertyException(property, String.valueOf(value), min + ".." + max, why);
    }
  }

  /** Null (unset) passes; else whole seconds in min..max. */
  private static void seconds(String property, Duration value, int min, int max, String why) {
    if (value != null
        && (value.toNanosPart() != 0 || value.toSeconds() < min || value.toSeconds() > max)) {
      throw new SqsxPropertyException(
          property, text(value), "whole seconds " + min + "s.." + max + "s", why);
    }
  }

  /** Null (unset) passes; else min..max. */
  private static void within(
      String property, Duration value, Duration min, Duration max, String why) {
    if (value != null && (value.compareTo(min) < 0 || value.compareTo(max) > 0)) {
      throw new SqsxPropertyException(property, text(value), text(min) + ".." + text(max), why);
    }
  }

  /** Null (unset) passes; else more than zero. */
  private static void positive(String property, Duration value, String why) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw new SqsxPropertyException(property, text(value), "more than 0s", why);
    }
  }

  /** A duration as written in Boot's properties: {@code 30s}, {@code 500ms}, {@code 12h}. */
  static String text(Duration value) {
    if (value.toNanosPart() % 1_000_000 != 0) {
      return value.toString();
    }
    if (value.toNanosPart() != 0) {
      return value.toMillis() + "ms";
    }
    long seconds = value.toSeconds();
    if (seconds != 0 && seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  // ---- issue #31 (starter): client settings --------------------------------------------------

  /**
   * The SDK clients sqsx makes when the application has none ({@code SqsAsyncClient}, {@code
   * S3Client}, {@code S3AsyncClient}, {@code DynamoDbClient}, {@code DynamoDbAsyncClient}). With
   * Spring Cloud AWS they take its {@code spring.cloud.aws.*} settings; these, when set, win.
   * Unset: the SDK's default chains.
   *
   * @param region the AWS region, e.g. {@code eu-west-1}
   * @param accessKey a static access key (with {@code secretKey})
   * @param secretKey the static secret key
   * @param endpoint endpoints to use instead of AWS's, per service (local emulators, VPC endpoints)
   * @param pathStyleAccess S3 requests address the bucket in the path, not the host name (most
   *     local S3 emulators need it)
   */
  public record Aws(
      String region,
      String accessKey,
      String secretKey,
      @DefaultValue Endpoint endpoint,
      @DefaultValue("false") boolean pathStyleAccess) {

    /** Refuses settings that cannot work, naming the property. */
    public Aws {
      if (hasText(accessKey) != hasText(secretKey)) {
        throw new SqsxPropertyException(
            hasText(accessKey) ? "sqsx.aws.secret-key" : "sqsx.aws.access-key",
            "(unset)",
            "set together with "
                + (hasText(accessKey) ? "sqsx.aws.access-key" : "sqsx.aws.secret-key"),
            "static credentials need both keys");
      }
    }

    /** Without the secret key. */
    @Override
    public String toString() {
      return "Aws[region="
          + region
          + ", accessKey="
          + accessKey
          + ", secretKey="
          + (secretKey == null ? null : "******")
          + ", endpoint="
          + endpoint
          + ", pathStyleAccess="
          + pathStyleAccess
          + "]";
    }
  }

  /**
   * Endpoint overrides.
   *
   * @param sqs the SQS endpoint
   * @param s3 the S3 endpoint
   * @param dynamodb the DynamoDB endpoint
   */
  public record Endpoint(java.net.URI sqs, java.net.URI s3, java.net.URI dynamodb) {}
}
