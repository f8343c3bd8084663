/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleExpiration;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Deletes orphaned payloads from an {@link S3PayloadStore}'s bucket or a {@link
 * DynamoDbPayloadStore}'s table: payloads of the store older than the longest time a pointer to
 * them can still be delivered.
 *
 * <p>That age, the {@link #bound() bound}, is computed from the queues the payloads are sent to:
 * for each queue its {@code MessageRetentionPeriod} and, when it has a {@code RedrivePolicy}, its
 * dead-letter queue's, and so on along the chain when a dead-letter queue has its own. A dead
 * letter sqsx's consumer or Lambda handler sends is a new message whose retention starts afresh,
 * and so is one SQS moves out of a FIFO queue: a pointer lives at most {@code source + dlq}, the
 * default. When only SQS's own redrive moves messages out of a standard queue ({@link
 * Builder#deadLetteringBySqsOnly}), a dead letter keeps its original enqueue time and a pointer
 * lives at most {@code max(source, dlq)}. A redrive from the dead-letter queue ({@code
 * StartMessageMoveTask}, the console's "redrive", sqsx's {@code DeadLetterRedrive}) sends the
 * message again with a new enqueue time, so its pointer may live that long once more: each redrive
 * a dead letter may go through adds the lifetime again ({@link Builder#redrives}, default 1). The
 * bound is {@code (1 + redrives) x} the longest lifetime over the queues, plus the user's {@link
 * Builder#margin margin} (which must cover the time between storing a payload and sending its
 * message, clock skew, and any other queue a pointer may be copied to: SNS fan-out subscriptions, a
 * redrive's custom destination). Give every queue a pointer into the store may reach.
 *
 * <pre>{@code
 * PayloadSweeper sweeper = PayloadSweeper.builder()
 *     .store(store).sqsClient(sqs).queues(List.of(ordersUrl))
 *     .margin(Duration.ofDays(1)).deletesPerSecond(50).build();
 * PayloadSweeper.Report planned = sweeper.dryRun();           // deletes nothing
 * PayloadSweeper.Report done = sweeper.sweep(null, 10_000);   // at most 10,000 deletes
 * while (done.resumeAfter().isPresent()) {                     // resumable: pass the token back
 *   done = sweeper.sweep(done.resumeAfter().get(), 10_000);
 * }
 * }</pre>
 *
 * <p><b>S3.</b> Only the keys the store itself reads and deletes are listed ({@code ListObjectsV2}
 * on the key prefix, key order) and deleted: one path level below a prefix ending in {@code /}, a
 * UUID or stable key after any other ({@code tenant-a} never reaches {@code tenant-ab/x}); a store
 * without a key prefix is refused (a sweep would reach every object in the bucket). The age of an
 * object is its {@code LastModified}. A resume token is the key. For users who prefer S3 to expire
 * payloads, {@link #lifecycleRule} gives the equivalent lifecycle rule.
 *
 * <p><b>DynamoDB.</b> Only the store's table is scanned ({@code Scan}, {@code Limit} {@link
 * Builder#pageSize}, resumed with {@code ExclusiveStartKey}), and only items laid out as the store
 * writes them are listed and deleted: partition key the store's key prefix (possibly empty)
 * followed by a UUID or stable key, sort key {@code manifest} or {@code chunk#NNNNN}; another
 * application's items in a shared table are left alone. The age of an item is its {@code created}
 * attribute (written by the store since the sweeper came); an item written before has only its
 * {@code ttl} and counts as written at {@code ttl} minus one minute (the shortest time to live the
 * store accepts), which is never later than it was. Each item is deleted on its own ({@code
 * DeleteItem}, paced like S3's deletes), on condition that it is still the item listed: a payload
 * stored again under the same stable key meanwhile is kept. A resume token is {@code <pk>|<sk>}.
 * DynamoDB's TTL does the same job where it is enabled: set the store's {@code timeToLive} to at
 * least {@link #bound()}.
 *
 * <p>"Now" is the sweeper's clock. The bound is read from the queues once, when the sweeper is
 * built. Not thread-safe: run one sweep at a time.
 */
public final class PayloadSweeper {

  /** Sleeps for the given nanoseconds; replaced in tests to count the pacing without waiting. */
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private static final Duration DAY = Duration.ofDays(1);
  private static final Logger LOG = LoggerFactory.getLogger(PayloadSweeper.class);

  private final SweepTarget target;
  private final Duration bound;
  private final Clock clock;
  private final double deletesPerSecond;
  private final int pageSize;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;

  private PayloadSweeper(Builder b, SweepTarget target, Duration bound) {
    this.target = target;
    this.bound = bound;
    this.clock = b.clock;
    this.deletesPerSecond = b.deletesPerSecond;
    this.pageSize = b.pageSize;
    this.nanoTime = b.nanoTime;
    this.sleeper = b.sleeper;
  }

  /** A builder; the store, an SQS client and at least one queue are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The age past which a payload is an orphan: the longest pointer lifetime, once more for each
   * redrive, plus the margin.
   */
  public Duration bound() {
    return bound;
  }

  /** The key prefix swept ("" for a DynamoDB store without one). */
  public String keyPrefix() {
    return target.keyPrefix();
  }

  /**
   * The S3 lifecycle rule equivalent to this sweeper: objects under the key prefix expire after the
   * bound in whole days, rounded up. Put it with {@code PutBucketLifecycleConfiguration} (which
   * replaces the bucket's whole configuration: include the bucket's other rules).
   *
   * @throws IllegalStateException for a sweeper of a DynamoDB store (its equivalent is the store's
   *     {@code timeToLive}: at least {@link #bound()})
   */
  public LifecycleRule lifecycleRule(String id) {
    if (!(target instanceof S3SweepTarget)) {
      throw new IllegalStateException(
          "lifecycleRule is for an S3 store; this sweeper sweeps "
              + target.describe()
              + ": its equivalent is DynamoDB's TTL, the store's timeToLive set to at least the"
              + " bound, "
              + bound);
    }
    return lifecycleRule(id, target.keyPrefix(), bound);
  }

  /**
   * A lifecycle rule expiring objects under {@code keyPrefix} after {@code age}, rounded up to
   * whole days (S3's unit), at least one day. A rule's filter is a plain string prefix, so the key
   * prefix must end in {@code /}: {@code tenant-a} would also expire {@code tenant-ab/x} (the
   * sweeper itself never reaches it). Note that a rule for {@code orders/} also expires deeper
   * folders ({@code orders/archive/x}), which the sweeper leaves alone.
   *
   * @throws IllegalArgumentException when the prefix is empty or does not end in {@code /}, or the
   *     age is not positive
   */
  public static LifecycleRule lifecycleRule(String id, String keyPrefix, Duration age) {
    if (keyPrefix == null || keyPrefix.isEmpty()) {
      throw new IllegalArgumentException(
          "keyPrefix must not be empty: a rule without one expires every object in the bucket");
    }
    if (!keyPrefix.endsWith("/")) {
      throw new IllegalArgumentException(
          "keyPrefix must end in '/' for a lifecycle rule, was '"
              + keyPrefix
              + "': a rule's filter is a plain prefix, so it would also expire keys that merely"
              + " start with it ('"
              + keyPrefix
              + "b/x'); sweep with PayloadSweeper instead");
    }
    if (age == null || age.isNegative() || age.isZero()) {
      throw new IllegalArgumentException("age must be positive, was " + age);
    }
    return LifecycleRule.builder()
        .id(id)
        .filter(LifecycleRuleFilter.builder().prefix(keyPrefix).build())
        .status(ExpirationStatus.ENABLED)
        .expiration(LifecycleExpiration.builder().days(days(age)).build())
        .build();
  }

  /** Whole days, rounded up. */
  static int days(Duration age) {
    long days = age.toDays();
    return Math.toIntExact(age.equals(Duration.ofDays(days)) ? days : days + 1);
  }

  /**
   * The bound: the longest pointer lifetime over the queues, {@code 1 + redrives} times (a redrive
   * sends a dead letter again with a new enqueue time, at the latest when it is about to expire),
   * plus the margin.
   */
  static Duration bound(Duration longestLifetime, int redrives, Duration margin) {
    return longestLifetime.multipliedBy(1L + redrives).plus(margin);
  }

  /**
   * The longest time one queue holds a pointer, by SQS's rules: {@code max(source, dlq)} for a
   * standard queue whose dead letters only SQS's redrive moves (a dead letter keeps its enqueue
   * time), else {@code source + dlq} (a FIFO queue's dead-letter queue, and a dead letter sent as a
   * new message, start retention afresh). Without a dead-letter queue, the source's.
   */
  static Duration pointerLifetime(
      boolean fifo, boolean bySqsOnly, Duration source, Optional<Duration> dlq) {
    if (dlq.isEmpty()) {
      return source;
    }
    if (fifo || !bySqsOnly) {
      return source.plus(dlq.get());
    }
    return source.compareTo(dlq.get()) >= 0 ? source : dlq.get();
  }

  /** Counts everything a sweep would delete, deleting nothing. */
  public Report dryRun() {
    return run(null, Long.MAX_VALUE, true);
  }

  /**
   * Deletes orphans of the store, in listing order, paced at the configured deletes per second.
   *
   * @param startAfter the token to resume after ({@link Report#resumeAfter()} of the previous run:
   *     an S3 key, or a DynamoDB item as {@code <pk>|<sk>}), or null to start at the beginning
   * @param maxDeletes the most objects this run deletes; it stops after the last of them and
   *     reports where to resume
   * @throws IllegalArgumentException when {@code startAfter} is outside the key prefix or not a
   *     token of this store
   * @throws IllegalStateException when a delete fails, naming the key, how many were deleted before
   *     it and the {@code startAfter} to resume with (the failed key is tried again)
   */
  public Report sweep(String startAfter, long maxDeletes) {
    if (maxDeletes < 1) {
      throw new IllegalArgumentException("maxDeletes must be at least 1, was " + maxDeletes);
    }
    if (startAfter != null) {
      target.checkResumeToken(startAfter);
    }
    return run(startAfter, maxDeletes, false);
  }

  private Report run(String startAfter, long maxDeletes, boolean dry) {
    Instant cutoff = clock.instant().minus(bound);
    long count = 0;
    long bytes = 0;
    Instant oldest = null;
    List<String> deleted = new ArrayList<>();
    long pacingStart = nanoTime.getAsLong();
    Iterator<List<SweepTarget.Candidate>> pages = target.list(startAfter, pageSize);
    while (pages.hasNext()) {
      for (SweepTarget.Candidate candidate : pages.next()) {
        if (!candidate.stored().isBefore(cutoff)) {
          continue;
        }
        if (!dry) {
          pace(pacingStart, deleted.size());
          if (!delete(candidate, startAfter, deleted)) {
            continue; // written again since it was listed: not an orphan any more
          }
          deleted.add(candidate.token());
        }
        count++;
        bytes += candidate.bytes();
        if (oldest == null || candidate.stored().isBefore(oldest)) {
          oldest = candidate.stored();
        }
        if (!dry && deleted.size() >= maxDeletes) {
          return new Report(
              dry,
              bound,
              cutoff,
              count,
              bytes,
              Optional.ofNullable(oldest),
              deleted,
              Optional.of(candidate.token()));
        }
      }
    }
    return new Report(
        dry, bound, cutoff, count, bytes, Optional.ofNullable(oldest), deleted, Optional.empty());
  }

  private boolean delete(SweepTarget.Candidate candidate, String startAfter, List<String> deleted) {
    try {
      return candidate.deletion().delete();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "sweep of "
              + target.describe()
              + " failed deleting '"
              + candidate.token()
              + "' after "
              + deleted.size()
              + " deletes; resume with startAfter "
              + (deleted.isEmpty()
                  ? (startAfter == null ? "null" : "'" + startAfter + "'")
                  : "'" + deleted.get(deleted.size() - 1) + "'"),
          e);
    }
  }

  /** Waits until the {@code done}-th delete of this run may start at the configured rate. */
  private void pace(long start, int done) {
    if (done == 0) {
      return;
    }
    long due = start + (long) (done * 1_000_000_000.0 / deletesPerSecond);
    long wait = due - nanoTime.getAsLong();
    if (wait > 0) {
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "sweep of " + target.describe() + " interrupted while pacing deletes", e);
      }
    }
  }

  /**
   * What a run found or did.
   *
   * @param dryRun whether nothing was deleted on purpose
   * @param bound the age past which a payload counted as an orphan
   * @param cutoff payloads stored before this instant counted
   * @param count orphans found (dry run) or deleted: S3 objects, or DynamoDB items (a payload is
   *     its manifest and its chunks)
   * @param bytes their total size: the objects' sizes, or the payload bytes the chunks hold
   * @param oldest when the oldest was stored (S3: LastModified; DynamoDB: created)
   * @param deleted the resume tokens of what was deleted, in order (empty on a dry run): S3 keys,
   *     or DynamoDB items as {@code <pk>|<sk>}
   * @param resumeAfter where to resume when the run stopped at its {@code maxDeletes}; empty when
   *     it reached the end of the prefix
   */
  public record Report(
      boolean dryRun,
      Duration bound,
      Instant cutoff,
      long count,
      long bytes,
      Optional<Instant> oldest,
      List<String> deleted,
      Optional<String> resumeAfter) {
    /** Copies the list. */
    public Report {
      deleted = List.copyOf(deleted);
    }
  }

  /** Builds a {@link PayloadSweeper}, reading the queues' attributes in {@link #build()}. */
  public static final class Builder {
    private S3PayloadStore store;
    private DynamoDbPayloadStore dynamoDbStore;
    private SqsClient sqs;
    private List<String> queueUrls = List.of();
    private Duration margin = DAY;
    private int redrives = 1;
    private Clock clock = Clock.systemUTC();
    private double deletesPerSecond = 50;
    private int pageSize = 1000;
    private boolean deadLetteringBySqsOnly;
    private LongSupplier nanoTime = System::nanoTime;
    private Sleeper sleeper = nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));

    private Builder() {}

    /**
     * The S3 store whose bucket and key prefix are swept; it must have a blocking S3 client and a
     * key prefix. Replaces a store set before.
     */
    public Builder store(S3PayloadStore store) {
      this.store = store;
      this.dynamoDbStore = null;
      return this;
    }

    /**
     * The DynamoDB store whose table (and key prefix, when it has one) is swept, with its blocking
     * client when it has one, else its asynchronous one (waited on). Replaces a store set before.
     */
    public Builder store(DynamoDbPayloadStore store) {
      this.dynamoDbStore = store;
      this.store = null;
      return this;
    }

    /** The client the queues' attributes are read with. */
    public Builder sqsClient(SqsClient sqs) {
      this.sqs = sqs;
      return this;
    }

    /** The URLs of every queue the store's payloads are sent to (their DLQs are found). */
    public Builder queues(List<String> queueUrls) {
      this.queueUrls = List.copyOf(queueUrls);
      return this;
    }

    /** Added to the longest pointer lifetime (default one day); not negative. */
    public Builder margin(Duration margin) {
      this.margin = margin;
      return this;
    }

    /**
     * How many times a dead letter may be redriven from its dead-letter queue (default 1: an
     * operator's replay of the DLQ), 0..100. A redrive sends the message again with a new enqueue
     * time, so each adds the longest pointer lifetime to the bound once more. 0 when nothing ever
     * redrives.
     */
    public Builder redrives(int redrives) {
      this.redrives = redrives;
      return this;
    }

    /** The clock "now" is read from (for tests). Default: the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** The most deletes per second a run makes (default 50); positive. */
    public Builder deletesPerSecond(double deletesPerSecond) {
      this.deletesPerSecond = deletesPerSecond;
      return this;
    }

    /**
     * Whether only SQS's own redrive (the queue's {@code RedrivePolicy}) moves messages to the
     * dead-letter queues (default false). True lets a standard queue's bound be {@code max(source,
     * dlq)}: SQS keeps a dead letter's original enqueue time. Leave it false when sqsx's consumer
     * or Lambda handler dead-letters (it sends a new message, whose retention starts afresh), or
     * anything else sends to the DLQ.
     */
    public Builder deadLetteringBySqsOnly(boolean deadLetteringBySqsOnly) {
      this.deadLetteringBySqsOnly = deadLetteringBySqsOnly;
      return this;
    }

    /** Keys listed per ListObjectsV2 call, or items per DynamoDB Scan, 1..1000 (default 1000). */
    public Builder pageSize(int pageSize) {
      this.pageSize = pageSize;
      return this;
    }

    /** For tests: the pacing's time source and sleep. */
    Builder pacing(LongSupplier nanoTime, Sleeper sleeper) {
      this.nanoTime = nanoTime;
      this.sleeper = sleeper;
      return this;
    }

    /**
     * Validates the settings, reads each queue's retention and redrive policy (and each DLQ's
     * retention), and builds the sweeper.
     *
     * @throws IllegalArgumentException naming the field and the rule when a setting is invalid
     */
    public PayloadSweeper build() {
      SweepTarget target = target();
      if (sqs == null) {
        throw new IllegalArgumentException("sqsClient must be set: the bound is read from queues");
      }
      if (queueUrls.isEmpty()) {
        throw new IllegalArgumentException(
            "queues must name at least one queue: the bound is computed from their retention");
      }
      if (margin == null || margin.isNegative()) {
        throw new IllegalArgumentException("margin must not be negative, was " + margin);
      }
      if (redrives < 0 || redrives > 100) {
        throw new IllegalArgumentException(
            "redrives must be 0..100 (each adds the longest pointer lifetime to the bound), was "
                + redrives);
      }
      if (clock == null) {
        throw new IllegalArgumentException("clock must be set");
      }
      if (!(deletesPerSecond > 0) || Double.isInfinite(deletesPerSecond)) {
        throw new IllegalArgumentException(
            "deletesPerSecond must be positive and finite, was " + deletesPerSecond);
      }
      if (pageSize < 1 || pageSize > 1000) {
        throw new IllegalArgumentException("pageSize must be 1..1000, was " + pageSize);
      }
      Duration longest = Duration.ZERO;
      for (String url : queueUrls) {
        Duration lifetime = lifetimeOf(url);
        if (lifetime.compareTo(longest) > 0) {
          longest = lifetime;
        }
      }
      Duration bound = bound(longest, redrives, margin);
      if (dynamoDbStore != null && dynamoDbStore.timeToLive().compareTo(bound) < 0) {
        LOG.warn(
            "the DynamoDB store's timeToLive {} is shorter than the sweep bound {} of table {}:"
                + " where DynamoDB's TTL is enabled it may remove a payload whose message can"
                + " still be delivered; set timeToLive to at least the bound",
            dynamoDbStore.timeToLive(),
            bound,
            dynamoDbStore.table());
      }
      return new PayloadSweeper(this, target, bound);
    }

    private SweepTarget target() {
      if (dynamoDbStore != null) {
        return new DynamoDbSweepTarget(
            dynamoDbStore.sweepCalls(), dynamoDbStore.table(), dynamoDbStore.keyPrefix());
      }
      if (store == null) {
        throw new IllegalArgumentException(
            "store must be set: it names the bucket and prefix, or the table, swept");
      }
      if (store.s3Client() == null) {
        throw new IllegalArgumentException(
            "store must have a blocking s3Client: the sweeper lists and deletes with it");
      }
      if (store.keyPrefix().isEmpty()) {
        throw new IllegalArgumentException(
            "store must have a keyPrefix: without one a sweep would reach every object in bucket '"
                + store.bucket()
                + "'");
      }
      return new S3SweepTarget(store.s3Client(), store.bucket(), store.keyPrefix());
    }

    /**
     * The longest time a pointer sent to the queue lives there and in the dead-letter queues it can
     * be moved on to: a dead-letter queue's own {@code RedrivePolicy} is followed, to the end of
     * the chain.
     *
     * @throws IllegalStateException when the chain comes back to a queue in it (a pointer could be
     *     moved round it for ever: no bound holds)
     */
    private Duration lifetimeOf(String queueUrl) {
      return lifetimeOf(queueUrl, new ArrayList<>());
    }

    private Duration lifetimeOf(String queueUrl, List<String> chain) {
      if (chain.contains(queueUrl)) {
        chain.add(queueUrl);
        throw new IllegalStateException(
            "the dead-letter queues of "
                + chain.get(0)
                + " form a cycle ("
                + String.join(" -> ", chain)
                + "): a pointer may be moved round it for ever, so no sweep bound holds");
      }
      chain.add(queueUrl);
      GetQueueAttributesResponse attributes =
          sqs.getQueueAttributes(
              r ->
                  r.queueUrl(queueUrl)
                      .attributeNames(
                          QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                          QueueAttributeName.REDRIVE_POLICY,
                          QueueAttributeName.FIFO_QUEUE));
      Map<QueueAttributeName, String> values = attributes.attributes();
      Duration source = retention(queueUrl, values);
      boolean fifo = Boolean.parseBoolean(values.get(QueueAttributeName.FIFO_QUEUE));
      Optional<Duration> dlq = Optional.empty();
      String redrive = values.get(QueueAttributeName.REDRIVE_POLICY);
      if (redrive != null && !redrive.isBlank()) {
        // the dead-letter queue's own lifetime: its retention, and its own DLQ's when it has one
        dlq = Optional.of(lifetimeOf(dlqUrl(queueUrl, redrive), chain));
      }
      return pointerLifetime(fifo, deadLetteringBySqsOnly, source, dlq);
    }

    private static Duration retention(String queueUrl, Map<QueueAttributeName, String> values) {
      String seconds = values.get(QueueAttributeName.MESSAGE_RETENTION_PERIOD);
      try {
        return Duration.ofSeconds(Long.parseLong(seconds));
      } catch (NumberFormatException | NullPointerException e) {
        throw new IllegalStateException(
            "queue " + queueUrl + " reported no usable MessageRetentionPeriod: '" + seconds + "'",
            e);
      }
    }

    private String dlqUrl(String queueUrl, String redrivePolicy) {
      Object arn;
      try {
        arn = JSON.std.mapFrom(redrivePolicy).get("deadLetterTargetArn");
      } catch (IOException e) {
        throw new IllegalStateException(
            "queue " + queueUrl + " has a RedrivePolicy that is not JSON", e);
      }
      String[] parts = arn instanceof String s ? s.split(":") : new String[0];
      if (parts.length != 6) {
        throw new IllegalStateException(
            "queue " + queueUrl + " has a RedrivePolicy without a deadLetterTargetArn: " + arn);
      }
      String name = parts[5];
      String account = parts[4];
      return sqs.getQueueUrl(r -> r.queueName(name).queueOwnerAWSAccountId(account)).queueUrl();
    }
  }
}
