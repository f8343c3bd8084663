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
 */
@ConfigurationProperties("sqsx")
public record SqsxProperties(
    @DefaultValue Payload payload,
    @DefaultValue Consumer consumer,
    @DefaultValue Idempotency idempotency) {

  /**
   * Large payloads.
   *
   * @param bucket the S3 bucket payloads are written to (and read from)
   * @param table the DynamoDB table payloads are written to; with a bucket too, payloads up to
   *     {@code tableMaxSize} go to the table and larger ones to the bucket
   * @param tableMaxSize with both a bucket and a table: the largest payload the table takes
   * @param threshold offload messages larger than this many bytes (1..1048576; default 262144)
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
      if (threshold != null && (threshold < 1 || threshold > 1_048_576)) {
        throw new SqsxConfigurationException(
            "sqsx.payload.threshold must be 1..1048576 (the SQS message size limit), was "
                + threshold);
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
      if (concurrency != null && concurrency < 1) {
        throw new SqsxConfigurationException(
            "sqsx.consumer.concurrency must be at least 1, was " + concurrency);
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
      @DefaultValue("5m") Duration max) {}

  /**
   * The DynamoDB idempotency store.
   *
   * @param table the table keys are claimed in (created by you, or by {@code
   *     DynamoDbIdempotencyStore.createTable})
   * @param lease how long a claim holds while its handler runs
   * @param timeToLive how long a completed key is remembered
   */
  public record Idempotency(String table, Duration lease, Duration timeToLive) {}

  static boolean hasText(String value) {
    return value != null && !value.isBlank();
  }
}
