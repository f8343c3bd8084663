/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Deletes the reply queues of requesters that stopped without closing (a crash, a kill): queues
 * whose name starts with the prefix, that carry the {@value #OWNER_TAG} tag, and whose {@value
 * #HEARTBEAT_TAG} tag is older than {@code idleAfter}. A queue without the prefix, without the
 * owner tag, or without a readable heartbeat is never deleted.
 *
 * <p>Any process may sweep — a requester does it every {@code sweepInterval} when configured — and
 * several may sweep at once (a queue already gone is skipped). Thread-safe; the client is never
 * closed by the sweeper.
 */
public final class ReplyQueueSweeper {

  /** The default name prefix of reply queues. */
  public static final String DEFAULT_PREFIX = "sqsx-reply-";

  /** The tag naming the process that created a reply queue. */
  public static final String OWNER_TAG = "sqsx.owner";

  /** The tag holding the epoch milliseconds of the owner's last heartbeat. */
  public static final String HEARTBEAT_TAG = "sqsx.heartbeat";

  private static final Logger LOG = LoggerFactory.getLogger(ReplyQueueSweeper.class);

  private final SqsAsyncClient sqs;
  private final String prefix;
  private final Duration idleAfter;
  private final Clock clock;

  private ReplyQueueSweeper(Builder builder) {
    this.sqs = Objects.requireNonNull(builder.sqs, "sqsClient cannot be null");
    checkPrefix("queueNamePrefix", builder.prefix);
    this.prefix = builder.prefix;
    Settings.between("idleAfter", builder.idleAfter, Duration.ofSeconds(1), Duration.ofDays(14));
    this.idleAfter = builder.idleAfter;
    this.clock = Objects.requireNonNull(builder.clock, "clock cannot be null");
  }

  /** A builder; {@code sqsClient} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sweeps once: lists the queues with the prefix, reads their tags and deletes the idle ones.
   * Never throws; the future completes with the URLs deleted, or fails when the queues could not be
   * listed. A queue whose tags cannot be read, or whose delete fails, is logged and left.
   */
  public CompletableFuture<List<String>> sweep() {
    return sweep(queue -> false);
  }

  CompletableFuture<List<String>> sweep(Predicate<String> keep) {
    List<String> deleted = Collections.synchronizedList(new ArrayList<>());
    return list(null, new ArrayList<>())
        .thenCompose(
            queues ->
                CompletableFuture.allOf(
                    queues.stream()
                        .filter(url -> !keep.test(url))
                        .map(url -> sweepOne(url, deleted))
                        .toArray(CompletableFuture[]::new)))
        .thenApply(done -> List.copyOf(deleted))
        .whenComplete(
            (urls, error) -> {
              if (error != null) {
                LOG.warn(
                    "sweeping reply queues '{}*' failed: {}",
                    prefix,
                    SqsRequester.unwrap(error).toString());
              } else if (!urls.isEmpty()) {
                LOG.info("swept {} idle reply queues: {}", urls.size(), urls);
              }
            });
  }

  private CompletableFuture<List<String>> list(String token, List<String> found) {
    return sqs.listQueues(r -> r.queueNamePrefix(prefix).maxResults(1000).nextToken(token))
        .thenCompose(
            (ListQueuesResponse page) -> {
              found.addAll(page.queueUrls());
              String next = page.nextToken();
              return next == null || next.isEmpty()
                  ? CompletableFuture.completedFuture(found)
                  : list(next, found);
            });
  }

  private CompletableFuture<Void> sweepOne(String url, List<String> deleted) {
    String name = url.substring(url.lastIndexOf('/') + 1);
    if (!name.startsWith(prefix)) {
      return CompletableFuture.completedFuture(null); // never a queue without the prefix
    }
    return sqs.listQueueTags(r -> r.queueUrl(url))
        .thenCompose(
            response -> {
              if (!isIdle(url, response.tags())) {
                return CompletableFuture.completedFuture(null);
              }
              return sqs.deleteQueue(r -> r.queueUrl(url)).thenRun(() -> deleted.add(url));
            })
        .exceptionally(
            error -> {
              Throwable cause = SqsRequester.unwrap(error);
              if (!(cause instanceof QueueDoesNotExistException)) {
                LOG.warn("cannot sweep reply queue {}: {}", url, cause.toString());
              }
              return null;
            });
  }

  private boolean isIdle(String url, Map<String, String> tags) {
    if (!tags.containsKey(OWNER_TAG)) {
      return false; // not a requester's queue
    }
    String heartbeat = tags.get(HEARTBEAT_TAG);
    long last;
    try {
      last = Long.parseLong(heartbeat);
    } catch (NumberFormatException e) {
      LOG.warn("reply queue {} has no readable {} tag ({}): left", url, HEARTBEAT_TAG, heartbeat);
      return false;
    }
    return clock.millis() - last > idleAfter.toMillis();
  }

  static void checkPrefix(String name, String prefix) {
    Objects.requireNonNull(prefix, name + " cannot be null");
    if (!prefix.matches("[A-Za-z0-9_-]{1,60}")) {
      throw new IllegalArgumentException(
          name
              + " must be 1..60 of [A-Za-z0-9_-] (an SQS queue name is at most 80 characters, and"
              + " the requester adds 20), was '"
              + prefix
              + "'");
    }
  }

  /** Builds a {@link ReplyQueueSweeper}. */
  public static final class Builder {
    private SqsAsyncClient sqs;
    private String prefix = DEFAULT_PREFIX;
    private Duration idleAfter = Duration.ofMinutes(5);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The client queues are listed and deleted with (never closed by the sweeper). */
    public Builder sqsClient(SqsAsyncClient sqsClient) {
      this.sqs = sqsClient;
      return this;
    }

    /** The reply queues' name prefix; default {@value ReplyQueueSweeper#DEFAULT_PREFIX}. */
    public Builder queueNamePrefix(String prefix) {
      this.prefix = prefix;
      return this;
    }

    /**
     * How old a heartbeat must be for its queue to be deleted; default 5 min; 1 s..14 days. Keep it
     * above twice the requesters' {@code heartbeatInterval}.
     */
    public Builder idleAfter(Duration idleAfter) {
      this.idleAfter = idleAfter;
      return this;
    }

    /** The clock heartbeats are compared with; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Checks every option and builds a sweeper.
     *
     * @throws IllegalArgumentException naming the option, the value and the rule
     */
    public ReplyQueueSweeper build() {
      return new ReplyQueueSweeper(this);
    }
  }
}
