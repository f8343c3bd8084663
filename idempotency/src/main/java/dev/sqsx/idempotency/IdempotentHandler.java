/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

import dev.sqsx.consumer.MessageHandler;
import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.idempotency.internal.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a handler so each message's side effect is applied once, however often SQS delivers it:
 * claim the key before the handler, complete it after success, release it after a failure.
 *
 * <pre>{@code
 * MessageHandler handler = IdempotentHandler.builder()
 *     .store(DynamoDbIdempotencyStore.create(dynamoDb, "idempotency"))
 *     .namespace("orders")
 *     .key(IdempotencyKey.jsonField("/orderId"))
 *     .handler((message, lease) -> { charge(message.body(), lease.fencingToken()); return null; })
 *     .build();
 * SqsConsumer.builder().handler(handler)...
 * }</pre>
 *
 * <ul>
 *   <li>Key completed: the message is acknowledged without running the handler.
 *   <li>Key held by another worker with a live lease: {@link DuplicateInProgressException}
 *       (retryable): the message comes back later.
 *   <li>Key used with a different payload: {@link PayloadConflictException} (non-retryable, so it
 *       is dead-lettered with the reason).
 *   <li>While the handler runs, the lease is renewed every third of its length, conditional on the
 *       owner token, and the record's expiry is moved with it; a refused renewal, or a lease end
 *       passed without a successful renewal, marks the lease lost ({@link
 *       IdempotencyLease#isHeld()}).
 *   <li>A worker whose lease was taken over cannot complete or release the new holder's record
 *       (fencing); the refusal is counted and logged.
 * </ul>
 *
 * <p>Thread-safe. A shared timer thread schedules lease renewals; each renewal call runs on a
 * daemon thread of its own, so a slow store call delays no other lease. A renewal that fails is
 * counted ({@link IdempotencyStats#renewalFailures()}); once the lease end passes unrenewed, {@link
 * IdempotencyLease#isHeld()} is false.
 */
// Micrometer is an optional dependency (requires static): its type here is for those who pass one.
@SuppressWarnings("exports")
public final class IdempotentHandler implements MessageHandler {

  private static final Logger LOG = LoggerFactory.getLogger(IdempotentHandler.class);
  private static final int COMPLETE_ATTEMPTS = 3;
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  /** The validated, immutable options a {@link Builder} builds. */
  private record Config(
      IdempotencyStore store,
      String namespace,
      IdempotencyKey key,
      Duration lease,
      Duration timeToLive,
      boolean checkPayload,
      int maxResultBytes,
      IdempotentMessageHandler handler,
      Clock clock,
      io.micrometer.core.instrument.MeterRegistry meterRegistry) {}

  private final Config config;
  private final LeaseRenewals renewals;
  private final HandlerCounters counters = new HandlerCounters();

  private IdempotentHandler(Config config) {
    this.config = config;
    this.renewals =
        new LeaseRenewals(
            config.store(),
            config.lease(),
            config.clock(),
            counters.fencing,
            counters.renewalFailures);
    if (config.meterRegistry() != null) {
      counters.register(config.meterRegistry(), config.namespace());
    }
  }

  /** A builder; store, namespace and handler are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Counts since this handler was built. */
  public IdempotencyStats stats() {
    return counters.snapshot();
  }

  @Override
  public void handle(ReceivedMessage message) throws Exception {
    String key = config.namespace() + "#" + config.key().of(message);
    String payloadHash = config.checkPayload() ? CanonicalJson.payloadHash(message.body()) : null;
    Duration lease = leaseFor(message);
    ClaimResult claim =
        config
            .store()
            .claim(
                new ClaimRequest(
                    key, UUID.randomUUID().toString(), lease, config.timeToLive(), payloadHash));
    if (claim instanceof ClaimResult.AlreadyCompleted) {
      counters.duplicates.increment();
      LOG.debug("message {}: key {} already completed, skipping", message.messageId(), key);
      return;
    }
    if (claim instanceof ClaimResult.InProgress) {
      counters.inProgress.increment();
      throw new DuplicateInProgressException(key, message.messageId());
    }
    if (claim instanceof ClaimResult.PayloadConflict) {
      counters.conflicts.increment();
      throw new PayloadConflictException(key, message.messageId());
    }
    ClaimResult.Acquired acquired = (ClaimResult.Acquired) claim;
    counters.claimed.increment();
    if (acquired.takeover()) {
      counters.takeovers.increment();
      LOG.info(
          "message {}: took over key {} from a worker whose lease expired (fencing token {})",
          message.messageId(),
          key,
          acquired.record().version());
    }
    run(message, acquired.record());
  }

  /**
   * The configured lease, cut to the message's deadline when its runner has one (an AWS Lambda
   * invocation's end: a key must not stay held past an invocation that was killed) less 1 s for the
   * time until the store stamps it, at least 1 s.
   */
  private Duration leaseFor(ReceivedMessage message) {
    if (message.deadline().isEmpty()) {
      return config.lease();
    }
    Duration left =
        Duration.between(config.clock().instant(), message.deadline().get()).minusSeconds(1);
    Duration lease = left.compareTo(config.lease()) < 0 ? left : config.lease();
    return lease.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : lease;
  }

  private void run(ReceivedMessage message, IdempotencyRecord held) throws Exception {
    LeaseRenewals.Renewing renewing = renewals.start(held, message.deadline().orElse(null));
    String result;
    try {
      result = config.handler().handle(message, renewing.lease());
    } catch (Exception | Error e) {
      renewing.stop();
      release(held, message, e);
      throw e;
    }
    renewing.stop();
    if (result != null
        && result.getBytes(StandardCharsets.UTF_8).length > config.maxResultBytes()) {
      // The effect happened: releasing the key would let a redelivery apply it again.
      counters.resultsOmitted.increment();
      LOG.warn(
          "message {}: result of {} bytes is above maxResultBytes {}; key {} is completed without"
              + " it (duplicates are suppressed, but see no stored result)",
          message.messageId(),
          result.getBytes(StandardCharsets.UTF_8).length,
          config.maxResultBytes(),
          held.key());
      result = null;
    }
    complete(held, result, message);
  }

  /**
   * Records the key completed. The effect has been applied, so a failure here is retried a few
   * times (250 ms, 500 ms apart) before giving up: a key left in progress is run again once its
   * lease ends.
   */
  private void complete(IdempotencyRecord held, String result, ReceivedMessage message)
      throws InterruptedException {
    IdempotencyException last = null;
    for (int attempt = 1; attempt <= COMPLETE_ATTEMPTS; attempt++) {
      try {
        if (!config.store().complete(held, result)) {
          fenced("complete", held, message);
        }
        return;
      } catch (IdempotencyException e) {
        last = e;
        LOG.warn(
            "message {}: attempt {} of {} to record key {} completed failed: {}",
            message.messageId(),
            attempt,
            COMPLETE_ATTEMPTS,
            held.key(),
            e.toString());
        if (attempt < COMPLETE_ATTEMPTS) {
          Thread.sleep(125L << attempt);
        }
      }
    }
    throw new IdempotencyException(
        "message "
            + message.messageId()
            + ": the handler succeeded but key "
            + held.key()
            + " could not be recorded completed after "
            + COMPLETE_ATTEMPTS
            + " attempts; it stays in progress until its lease ("
            + config.lease()
            + ") ends, after which a redelivery runs the handler again",
        last);
  }

  /** Releases the key after a failure; a release that cannot be written leaves the lease to end. */
  private void release(IdempotencyRecord held, ReceivedMessage message, Throwable failure) {
    try {
      if (!config.store().release(held)) {
        fenced("release", held, message);
      }
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
      LOG.warn(
          "message {}: could not release key {} (it is claimable again when its lease ends): {}",
          message.messageId(),
          held.key(),
          e.toString());
    }
  }

  private void fenced(String what, IdempotencyRecord held, ReceivedMessage message) {
    counters.fencing.increment();
    LOG.warn(
        "message {}: {} of key {} refused: another worker took it over (fencing token {} is stale)",
        message.messageId(),
        what,
        held.key(),
        held.version());
  }

  /** Builds an {@link IdempotentHandler}; not thread-safe. */
  public static final class Builder {
    private IdempotencyStore store;
    private String namespace;
    private IdempotencyKey key = IdempotencyKey.messageId();
    private Duration lease = Duration.ofMinutes(1);
    private Duration timeToLive = Duration.ofDays(1);
    private boolean checkPayload = true;
    private int maxResultBytes = 64 * 1024;
    private IdempotentMessageHandler handler;
    private Clock clock = Clock.systemUTC();
    private io.micrometer.core.instrument.MeterRegistry meterRegistry;

    private Builder() {}

    /**
     * Publishes counters {@code sqsx.idempotency.claimed}, {@code takeovers}, {@code
     * duplicates.suppressed}, {@code duplicates.in.progress}, {@code conflicts} and {@code
     * fencing.rejections}, tagged with the namespace. Micrometer is optional, needed only when this
     * is called.
     */
    public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry meterRegistry) {
      this.meterRegistry = meterRegistry;
      return this;
    }

    /** Where keys are claimed. Required. */
    public Builder store(IdempotencyStore store) {
      this.store = store;
      return this;
    }

    /**
     * Prefix of every key, chosen by you (not derived from class names, so refactoring keeps keys):
     * 1..64 of {@code A-Z a-z 0-9 . _ : -}. Required.
     */
    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /** Where the key comes from. Default: the message id. */
    public Builder key(IdempotencyKey key) {
      this.key = Objects.requireNonNull(key, "key cannot be null");
      return this;
    }

    /**
     * How long a claim holds without renewal: 1 s..12 h, default 1 minute (renewed while running).
     */
    public Builder lease(Duration lease) {
      this.lease = lease;
      return this;
    }

    /** How long a completed key suppresses duplicates: longer than the lease, default 1 day. */
    public Builder timeToLive(Duration timeToLive) {
      this.timeToLive = timeToLive;
      return this;
    }

    /**
     * Record the payload's canonical SHA-256 and report a key reused with another payload as a
     * conflict. Default true. Canonical: object keys in order, no whitespace, numbers by exact
     * decimal value ({@code 1} and {@code 1.0} are the same payload). A record written before this
     * rule (numbers as written) is never reported as a conflict.
     */
    public Builder checkPayload(boolean checkPayload) {
      this.checkPayload = checkPayload;
      return this;
    }

    /**
     * Largest result kept with a completed key: 0..358,400 bytes, default 64 KiB. A larger result
     * is not kept: the key is completed without it (logged, counted in {@link
     * IdempotencyStats#resultsOmitted()}), never released, since the effect has happened.
     */
    public Builder maxResultBytes(int maxResultBytes) {
      this.maxResultBytes = maxResultBytes;
      return this;
    }

    /** The handler, with its lease and an optional result. One of the two shapes is required. */
    public Builder handler(IdempotentMessageHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler cannot be null");
      return this;
    }

    /** A plain handler. One of the two shapes is required. */
    public Builder handler(MessageHandler handler) {
      Objects.requireNonNull(handler, "handler cannot be null");
      this.handler =
          (message, lease) -> {
            handler.handle(message);
            return null;
          };
      return this;
    }

    /** The clock lease renewals are computed with (for tests). Default: system UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock cannot be null");
      return this;
    }

    /**
     * Validates and builds the handler.
     *
     * @throws IllegalArgumentException naming the option and the rule when one is invalid
     */
    public IdempotentHandler build() {
      Objects.requireNonNull(store, "store cannot be null");
      Objects.requireNonNull(handler, "handler cannot be null");
      if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
        throw new IllegalArgumentException(
            "namespace must be 1..64 of A-Z a-z 0-9 . _ : - (it prefixes every key), was '"
                + namespace
                + "'");
      }
      if (lease == null
          || lease.compareTo(Duration.ofSeconds(1)) < 0
          || lease.compareTo(Duration.ofHours(12)) > 0) {
        throw new IllegalArgumentException(
            "lease must be PT1S..PT12H (SQS holds a message at most 12 hours), was " + lease);
      }
      if (timeToLive == null || timeToLive.compareTo(lease) <= 0) {
        throw new IllegalArgumentException(
            "timeToLive must be longer than the lease (" + lease + "), was " + timeToLive);
      }
      if (maxResultBytes < 0 || maxResultBytes > 358_400) {
        throw new IllegalArgumentException(
            "maxResultBytes must be 0..358400 (a DynamoDB item holds at most 400 KB), was "
                + maxResultBytes);
      }
      return new IdempotentHandler(
          new Config(
              store,
              namespace,
              key,
              lease,
              timeToLive,
              checkPayload,
              maxResultBytes,
              handler,
              clock,
              meterRegistry));
    }
  }
}
