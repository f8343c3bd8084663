/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.BlockingPool;
import dev.sqsx.extended.internal.DynamoDbItems;
import dev.sqsx.extended.internal.DynamoDbTables;
import dev.sqsx.extended.internal.Futures;
import dev.sqsx.extended.internal.KeyPrefixes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Keeps offloaded payloads in a DynamoDB table: lower latency than S3 for payloads from 256 KB to a
 * few MB, and no orphans, because every item expires through DynamoDB's TTL.
 *
 * <pre>{@code
 * DynamoDbPayloadStore.createTable(dynamoDb, "payloads");   // once: key schema + TTL
 * DynamoDbPayloadStore store = DynamoDbPayloadStore.builder()
 *     .dynamoDbClient(dynamoDb)          // and/or .dynamoDbAsyncClient(dynamoDbAsync)
 *     .table("payloads")
 *     .build();
 * }</pre>
 *
 * <p>A payload is split into chunks of at most {@link Builder#chunkSize} bytes (DynamoDB items hold
 * at most 400 KB), written under one partition key; a manifest item with the chunk count, size and
 * SHA-256 is written last, so a reader (one consistent query) never sees a partial payload. A
 * delete removes exactly the items the manifest names, the manifest first, and nothing else under
 * the key (see {@link #delete}). The pointer is {@code
 * ["dev.sqsx.PayloadDynamoDbPointer",{"tableName":"<t>","key":"<k>"}]}. Table layout: partition key
 * {@code pk} (S), sort key {@code sk} (S), TTL attribute {@code ttl} (epoch seconds).
 *
 * <p>Reads and deletes are allowed only in the store's table and those added with {@link
 * Builder#allowedTables}. Thread-safe; the DynamoDB clients are never closed by this class.
 */
// DynamoDB is an optional dependency (requires static): its types in this API are there for
// those who use this store, and only they need the module.
@SuppressWarnings("exports")
public final class DynamoDbPayloadStore implements PayloadStore {

  /** Default largest payload: 4 MiB. */
  public static final int DEFAULT_MAX_PAYLOAD_SIZE = 4 * 1024 * 1024;

  /** Default chunk size: 350 KiB, leaving room in DynamoDB's 400 KB item for keys and TTL. */
  public static final int DEFAULT_CHUNK_SIZE = 350 * 1024;

  /** Largest chunk size accepted: 390,000 bytes. */
  public static final int MAX_CHUNK_SIZE = 390_000;

  /**
   * Default time to live: 29 days. A payload must outlive its message in the source queue (at most
   * 14 days) and then in the DLQ: sqsx's consumer dead-letters by sending a new message, whose
   * retention (at most 14 days) starts again; plus a day.
   */
  public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofDays(29);

  /** Runs blocking calls when only a synchronous client is set; never the caller's thread. */
  private static final Executor DEFAULT_EXECUTOR =
      BlockingPool.create("sqsx-dynamodb-payload-store", 32);

  /** The validated settings a {@link Builder} builds. */
  record Config(
      String table,
      Set<String> allowedTables,
      int maxPayloadSize,
      String keyPrefix,
      boolean enforceKeyPrefix,
      int chunkSize,
      Duration timeToLive,
      Clock clock) {}

  private final Config config;

  /** On the synchronous client, for the blocking methods; null without one. */
  private final DynamoDbPayloads blocking;

  /** On the asynchronous client, for the asynchronous methods; null without one. */
  private final DynamoDbPayloads async;

  private final Executor asyncExecutor;

  private DynamoDbPayloadStore(
      Config config,
      DynamoDbClient dynamoDb,
      DynamoDbAsyncClient dynamoDbAsync,
      Executor asyncExecutor) {
    this.config = config;
    this.blocking =
        dynamoDb == null ? null : new DynamoDbPayloads(DynamoDbCalls.on(dynamoDb), config);
    this.async =
        dynamoDbAsync == null
            ? null
            : new DynamoDbPayloads(DynamoDbCalls.on(dynamoDbAsync), config);
    this.asyncExecutor = asyncExecutor;
  }

  /** A builder; {@code table} and one of the two clients are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates a table with the store's key schema (on-demand billing), waits until it is active, and
   * enables TTL on {@code ttl}. For tests, demos and users who want it; the store does not call it.
   *
   * @return whether TTL is enabled; false (with a warning logged) where the endpoint does not
   *     implement {@code UpdateTimeToLive}, such as dynalite: enable it by hand there, or orphaned
   *     chunks are never removed
   */
  public static boolean createTable(DynamoDbClient dynamoDb, String table) {
    return DynamoDbTables.createPayloadTable(dynamoDb, table);
  }

  /** The table payloads are written to. */
  public String table() {
    return config.table();
  }

  /** The store's key prefix ("" when none); for the sweeper. */
  String keyPrefix() {
    return config.keyPrefix();
  }

  /** How long items live before DynamoDB's TTL removes them; for the sweeper. */
  Duration timeToLive() {
    return config.timeToLive();
  }

  /** The calls the sweeper makes: on the synchronous client when there is one. */
  DynamoDbCalls sweepCalls() {
    return blocking != null ? blocking.calls() : async.calls();
  }

  /** Every table a pointer may name: the store's own and the extra allowed ones. */
  public Set<String> allowedTables() {
    return config.allowedTables();
  }

  @Override
  public boolean allows(PayloadPointer pointer) {
    return pointer.kind() == PayloadPointer.Kind.DYNAMODB
        && config.allowedTables().contains(pointer.container())
        && KeyPrefixes.allows(config.keyPrefix(), config.enforceKeyPrefix(), pointer.key());
  }

  @Override
  public PayloadPointer store(String payload) {
    return store(payload, (String) null);
  }

  /**
   * Stores under {@code <keyPrefix>s-<stableKey>}: the same payload again overwrites its items (the
   * manifest's condition accepts an equal SHA-256), and a failed store leaves what was written (it
   * may be an earlier, identical payload a message points to; TTL removes it).
   */
  @Override
  public PayloadPointer store(String payload, String stableKey) {
    return blocking(payloads -> payloads.store(payload, stableKey));
  }

  @Override
  public CompletableFuture<PayloadPointer> storeAsync(String payload) {
    return storeAsync(payload, (String) null);
  }

  @Override
  public CompletableFuture<PayloadPointer> storeAsync(String payload, String stableKey) {
    return async(payloads -> payloads.store(payload, stableKey));
  }

  /** Stores the UTF-8 bytes as they are, without encoding the payload again. */
  @Override
  public PayloadPointer storeUtf8(byte[] utf8, String stableKey) {
    return blocking(payloads -> payloads.store(utf8, stableKey));
  }

  @Override
  public CompletableFuture<PayloadPointer> storeUtf8Async(byte[] utf8, String stableKey) {
    return async(payloads -> payloads.store(utf8, stableKey));
  }

  @Override
  public String read(PayloadPointer pointer) {
    return new String(readUtf8(pointer), StandardCharsets.UTF_8);
  }

  @Override
  public CompletableFuture<String> readAsync(PayloadPointer pointer) {
    return readUtf8Async(pointer).thenApply(bytes -> new String(bytes, StandardCharsets.UTF_8));
  }

  /** Reads a payload's UTF-8 bytes as its chunks hold them; no decoding. */
  @Override
  public byte[] readUtf8(PayloadPointer pointer) {
    checkAllowed(pointer);
    return blocking(payloads -> payloads.read(pointer));
  }

  /**
   * {@link #readUtf8} of a payload whose manifest says at most {@code maxBytes}: the manifest is
   * read first (with at most one page of chunks), and a larger payload's other chunks are not read.
   */
  @Override
  public Optional<byte[]> readUtf8IfAtMost(PayloadPointer pointer, long maxBytes) {
    checkAllowed(pointer);
    return Optional.ofNullable(blocking(payloads -> payloads.readWithin(pointer, maxBytes)));
  }

  /** Asynchronous {@link #readUtf8}. */
  @Override
  public CompletableFuture<byte[]> readUtf8Async(PayloadPointer pointer) {
    try {
      checkAllowed(pointer);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return async(payloads -> payloads.read(pointer));
  }

  /**
   * Deletes the payload: exactly the items its manifest names — the manifest first, then chunks
   * {@code chunk#00000} to the manifest's count — and nothing else under the pointer's key, so a
   * pointer into a table shared with other applications cannot take their items with it.
   *
   * <p>Deleting a payload that is gone (deleted before, or removed by TTL) succeeds and deletes
   * nothing; so does a pointer to a key that holds no manifest, such as another application's
   * items: nothing there is known to be a payload, and the store deletes nothing it cannot show is
   * the payload's own. A delete interrupted after the manifest leaves the chunks to TTL (a second
   * delete finds no manifest).
   *
   * @throws PayloadNotAllowedException when the pointer is not allowed, or when the item at its
   *     manifest's key is not a payload manifest as this store writes it (valid {@code chunks},
   *     {@code bytes} and {@code sha256}): another application's item, left untouched with the rest
   * @throws ExtendedClientException when DynamoDB fails
   */
  @Override
  public void delete(PayloadPointer pointer) {
    checkAllowed(pointer);
    blocking(payloads -> payloads.delete(pointer));
  }

  /** Asynchronous {@link #delete}: the same items, the same failures as a failed future. */
  @Override
  public CompletableFuture<Void> deleteAsync(PayloadPointer pointer) {
    try {
      checkAllowed(pointer);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return async(payloads -> payloads.delete(pointer));
  }

  /** A blocking call: on the synchronous client, or waiting for the asynchronous one. */
  private <T> T blocking(Function<DynamoDbPayloads, CompletableFuture<T>> call) {
    return Futures.join(call.apply(blocking != null ? blocking : async), "DynamoDB call");
  }

  /**
   * An asynchronous call: on the asynchronous client, or on the executor with the synchronous one
   * (never on the caller's thread, which may be an SDK event loop).
   */
  private <T> CompletableFuture<T> async(Function<DynamoDbPayloads, CompletableFuture<T>> call) {
    if (async != null) {
      return Futures.guarded(() -> call.apply(async));
    }
    Supplier<T> onExecutor = () -> Futures.join(call.apply(blocking), "DynamoDB call");
    return CompletableFuture.supplyAsync(onExecutor, asyncExecutor);
  }

  private void checkAllowed(PayloadPointer pointer) {
    Objects.requireNonNull(pointer, "pointer cannot be null");
    if (!allows(pointer)) {
      throw new PayloadNotAllowedException(
          pointer.kind() != PayloadPointer.Kind.DYNAMODB
              ? "pointer names a "
                  + pointer.kind()
                  + " store; this DynamoDB store reads DynamoDB pointers only"
              : !config.allowedTables().contains(pointer.container())
                  ? "pointer names table '"
                      + pointer.container()
                      + "', which is not allowed (allowed: "
                      + config.allowedTables()
                      + ")"
                  : "pointer names a key outside the store's key prefix '"
                      + config.keyPrefix()
                      + "' (enforceKeyPrefix is on)",
          null,
          null,
          pointer,
          null);
    }
  }

  /** Builds a {@link DynamoDbPayloadStore}; not thread-safe. */
  public static final class Builder {
    private DynamoDbClient dynamoDb;
    private DynamoDbAsyncClient dynamoDbAsync;
    private String table;
    private final Set<String> allowedTables = new LinkedHashSet<>();
    private int maxPayloadSize = DEFAULT_MAX_PAYLOAD_SIZE;
    private String keyPrefix = "";
    private boolean enforceKeyPrefix = true;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private Duration timeToLive = DEFAULT_TIME_TO_LIVE;
    private Clock clock = Clock.systemUTC();
    private Executor asyncExecutor;

    private Builder() {}

    /** The synchronous DynamoDB client (not closed by the store). */
    public Builder dynamoDbClient(DynamoDbClient dynamoDb) {
      this.dynamoDb = dynamoDb;
      return this;
    }

    /** The asynchronous DynamoDB client (not closed by the store). */
    public Builder dynamoDbAsyncClient(DynamoDbAsyncClient dynamoDbAsync) {
      this.dynamoDbAsync = dynamoDbAsync;
      return this;
    }

    /** The table payloads are written to; always allowed for reads and deletes. Required. */
    public Builder table(String table) {
      this.table = table;
      return this;
    }

    /** More tables a received pointer may name; any other table is refused. */
    public Builder allowedTables(Set<String> tables) {
      Objects.requireNonNull(tables, "allowedTables cannot be null");
      tables.forEach(t -> Objects.requireNonNull(t, "allowedTables cannot contain null"));
      this.allowedTables.addAll(tables);
      return this;
    }

    /** The largest payload accepted, in UTF-8 bytes: 1..64 MiB, default 4 MiB. */
    public Builder maxPayloadSize(int maxPayloadSize) {
      this.maxPayloadSize = maxPayloadSize;
      return this;
    }

    /**
     * Prepended to every key: trimmed; at most 1,000 characters of {@code a-z A-Z 0-9 . / _ -}; not
     * starting with '.' or '/'; without "..". Default none.
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * With a {@link #keyPrefix}, read and delete only keys that start with it (default true): a
     * sender cannot make consumers read or delete other items of an allowed table. No effect
     * without a prefix.
     */
    public Builder enforceKeyPrefix(boolean enforceKeyPrefix) {
      this.enforceKeyPrefix = enforceKeyPrefix;
      return this;
    }

    /** Bytes per chunk item: 1..390,000, default 350 KiB. */
    public Builder chunkSize(int chunkSize) {
      this.chunkSize = chunkSize;
      return this;
    }

    /**
     * How long items live before DynamoDB's TTL removes them: at least 1 minute, default 29 days,
     * so payloads of messages that expire or sit in a DLQ clean themselves up. Keep it above the
     * source queue's retention plus the DLQ's (a dead letter sent by sqsx starts a new retention
     * period), plus a margin: a shorter one can remove a dead letter's payload before the dead
     * letter.
     */
    public Builder timeToLive(Duration timeToLive) {
      this.timeToLive = timeToLive;
      return this;
    }

    /** The clock TTLs are computed from (for tests). Default: the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Runs blocking calls for the asynchronous methods when only a synchronous client is set (not
     * shut down by the store). Default: a shared pool of 32 daemon threads with a queue; a call
     * never runs on the caller's thread (which may be an SDK event-loop thread).
     */
    public Builder asyncExecutor(Executor asyncExecutor) {
      this.asyncExecutor = asyncExecutor;
      return this;
    }

    /**
     * Validates and builds the store.
     *
     * @throws IllegalArgumentException naming the field and the rule when a setting is invalid
     */
    public DynamoDbPayloadStore build() {
      if (dynamoDb == null && dynamoDbAsync == null) {
        throw new IllegalArgumentException(
            "dynamoDbClient or dynamoDbAsyncClient must be set: the store needs a client to reach"
                + " DynamoDB");
      }
      if (table == null || table.isBlank()) {
        throw new IllegalArgumentException(
            "table must be set: it is where payloads are written, was '" + table + "'");
      }
      if (maxPayloadSize < 1 || maxPayloadSize > DynamoDbItems.LARGEST_PAYLOAD) {
        throw new IllegalArgumentException(
            "maxPayloadSize must be 1..67108864 (64 MiB; larger payloads belong in S3), was "
                + maxPayloadSize);
      }
      String keyPrefix =
          KeyPrefixes.valid(
              this.keyPrefix, 1000, "a DynamoDB partition key holds at most 2,048 bytes");
      if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
        throw new IllegalArgumentException(
            "chunkSize must be 1..390000 (a DynamoDB item holds at most 400 KB), was " + chunkSize);
      }
      if (timeToLive == null || timeToLive.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException(
            "timeToLive must be at least PT1M (items must outlive their messages), was "
                + timeToLive);
      }
      Objects.requireNonNull(clock, "clock cannot be null");
      Set<String> allowed = new LinkedHashSet<>(allowedTables);
      allowed.add(table);
      return new DynamoDbPayloadStore(
          new Config(
              table,
              Set.copyOf(allowed),
              maxPayloadSize,
              keyPrefix,
              enforceKeyPrefix,
              chunkSize,
              timeToLive,
              clock),
          dynamoDb,
          dynamoDbAsync,
          asyncExecutor == null ? DEFAULT_EXECUTOR : asyncExecutor);
    }
  }
}
