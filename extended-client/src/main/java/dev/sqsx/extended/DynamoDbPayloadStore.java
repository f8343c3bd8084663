package dev.sqsx.extended;

import dev.sqsx.extended.internal.BlockingPool;
import dev.sqsx.extended.internal.DynamoDbItems;
import dev.sqsx.extended.internal.Futures;
import dev.sqsx.extended.internal.KeyPrefixes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

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
 * SHA-256 is written last, so a reader (one consistent query) never sees a partial payload. Deletes
 * remove the manifest first. The pointer is {@code
 * ["dev.sqsx.PayloadDynamoDbPointer",{"tableName":"<t>","key":"<k>"}]}. Table layout: partition key
 * {@code pk} (S), sort key {@code sk} (S), TTL attribute {@code ttl} (epoch seconds).
 *
 * <p>Reads and deletes are allowed only in the store's table and those added with {@link
 * Builder#allowedTables}. Thread-safe; the DynamoDB clients are never closed by this class.
 */
public final class DynamoDbPayloadStore implements PayloadStore {

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbPayloadStore.class);

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

  private static final int BATCH_WRITE_LIMIT = 25;
  private static final int BATCH_WRITE_ATTEMPTS = 8;

  private final DynamoDbClient dynamoDb;
  private final DynamoDbAsyncClient dynamoDbAsync;
  private final String table;
  private final Set<String> allowedTables;
  private final int maxPayloadSize;
  private final String keyPrefix;
  private final boolean enforceKeyPrefix;
  private final int chunkSize;
  private final Duration timeToLive;
  private final Clock clock;
  private final Executor asyncExecutor;

  /** Runs blocking calls when only a synchronous client is set; never the caller's thread. */
  private static final Executor DEFAULT_EXECUTOR =
      BlockingPool.create("sqsx-dynamodb-payload-store", 32);

  private DynamoDbPayloadStore(Builder builder) {
    this.dynamoDb = builder.dynamoDb;
    this.dynamoDbAsync = builder.dynamoDbAsync;
    this.table = builder.table;
    Set<String> allowed = new LinkedHashSet<>(builder.allowedTables);
    allowed.add(table);
    this.allowedTables = Set.copyOf(allowed);
    this.maxPayloadSize = builder.maxPayloadSize;
    this.keyPrefix = builder.keyPrefix;
    this.enforceKeyPrefix = builder.enforceKeyPrefix;
    this.chunkSize = builder.chunkSize;
    this.timeToLive = builder.timeToLive;
    this.clock = builder.clock;
    this.asyncExecutor = builder.asyncExecutor == null ? DEFAULT_EXECUTOR : builder.asyncExecutor;
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
    dynamoDb.createTable(
        r ->
            r.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                    stringAttribute(DynamoDbItems.PARTITION_KEY),
                    stringAttribute(DynamoDbItems.SORT_KEY))
                .keySchema(
                    KeySchemaElement.builder()
                        .attributeName(DynamoDbItems.PARTITION_KEY)
                        .keyType(KeyType.HASH)
                        .build(),
                    KeySchemaElement.builder()
                        .attributeName(DynamoDbItems.SORT_KEY)
                        .keyType(KeyType.RANGE)
                        .build()));
    // The SDK's default waiter polls every 20 s; a table is usually active much sooner.
    dynamoDb
        .waiter()
        .waitUntilTableExists(
            r -> r.tableName(table),
            w ->
                w.backoffStrategyV2(
                        BackoffStrategy.exponentialDelayWithoutJitter(
                            Duration.ofMillis(50), Duration.ofSeconds(5)))
                    .maxAttempts(100)
                    .waitTimeout(Duration.ofMinutes(5)));
    return enableTimeToLive(dynamoDb, table, DynamoDbItems.TTL);
  }

  /**
   * Turns TTL on; where the endpoint cannot (a compatible store without {@code UpdateTimeToLive},
   * such as dynalite) logs a warning that says to enable it by hand, and returns false.
   */
  private static boolean enableTimeToLive(DynamoDbClient dynamoDb, String table, String attribute) {
    try {
      dynamoDb.updateTimeToLive(
          r ->
              r.tableName(table)
                  .timeToLiveSpecification(t -> t.enabled(true).attributeName(attribute)));
      return true;
    } catch (DynamoDbException e) {
      LOG.warn(
          "TTL could not be enabled on table {} ({}): enable it by hand on attribute '{}',"
              + " or expired items stay in the table",
          table,
          e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorCode(),
          attribute);
      return false;
    }
  }

  private static AttributeDefinition stringAttribute(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }

  /** The table payloads are written to. */
  public String table() {
    return table;
  }

  /** Every table a pointer may name: the store's own and the extra allowed ones. */
  public Set<String> allowedTables() {
    return allowedTables;
  }

  @Override
  public boolean allows(PayloadPointer pointer) {
    return pointer.kind() == PayloadPointer.Kind.DYNAMODB
        && allowedTables.contains(pointer.container())
        && KeyPrefixes.allows(keyPrefix, enforceKeyPrefix, pointer.key());
  }

  // ---- store -----------------------------------------------------------------------------------

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
    if (dynamoDb == null) {
      return Futures.join(storeAsync(payload, stableKey), "DynamoDB call");
    }
    Prepared prepared = prepare(payload, stableKey);
    try {
      for (List<WriteRequest> batch : batches(prepared.chunkPuts())) {
        writeBatch(batch);
      }
      dynamoDb.putItem(manifestPut(prepared));
      return prepared.pointer();
    } catch (RuntimeException e) {
      ExtendedClientException failure = storeFailed(prepared.pointer(), e);
      if (!prepared.stable()) {
        try {
          removeChunks(prepared);
        } catch (RuntimeException cleanup) {
          failure.addSuppressed(cleanup);
        }
      }
      throw failure;
    }
  }

  /** The manifest, written last: new, or (stable key) the same payload again. */
  private PutItemRequest manifestPut(Prepared prepared) {
    PutItemRequest.Builder put =
        PutItemRequest.builder().tableName(table).item(prepared.manifest());
    if (prepared.stable()) {
      put.conditionExpression("attribute_not_exists(#pk) OR #sha = :sha")
          .expressionAttributeNames(
              Map.of("#pk", DynamoDbItems.PARTITION_KEY, "#sha", DynamoDbItems.SHA256))
          .expressionAttributeValues(Map.of(":sha", prepared.manifest().get(DynamoDbItems.SHA256)));
    } else {
      put.conditionExpression("attribute_not_exists(#pk)")
          .expressionAttributeNames(Map.of("#pk", DynamoDbItems.PARTITION_KEY));
    }
    return put.build();
  }

  @Override
  public CompletableFuture<PayloadPointer> storeAsync(String payload) {
    return storeAsync(payload, (String) null);
  }

  @Override
  public CompletableFuture<PayloadPointer> storeAsync(String payload, String stableKey) {
    if (dynamoDbAsync == null) {
      return CompletableFuture.supplyAsync(() -> store(payload, stableKey), asyncExecutor);
    }
    Prepared prepared;
    try {
      prepared = prepare(payload, stableKey);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (List<WriteRequest> batch : batches(prepared.chunkPuts())) {
      writes.add(writeBatchAsync(batch, 1));
    }
    CompletableFuture<PayloadPointer> stored =
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
            .thenCompose(done -> dynamoDbAsync.putItem(manifestPut(prepared)))
            .thenApply(done -> prepared.pointer());
    return Futures.afterwards(
        stored,
        (pointer, error) -> {
          if (error == null) {
            return CompletableFuture.completedFuture(pointer);
          }
          ExtendedClientException failure = storeFailed(prepared.pointer(), error);
          if (prepared.stable()) {
            return CompletableFuture.<PayloadPointer>failedFuture(failure);
          }
          return removeChunksAsync(prepared)
              .handle(
                  (done, cleanupError) -> {
                    if (cleanupError != null) {
                      failure.addSuppressed(Futures.unwrap(cleanupError));
                    }
                    throw failure;
                  });
        });
  }

  /** The items of one payload, ready to write. */
  private record Prepared(
      PayloadPointer pointer,
      List<Map<String, AttributeValue>> chunks,
      Map<String, AttributeValue> manifest,
      boolean stable) {

    List<WriteRequest> chunkPuts() {
      List<WriteRequest> puts = new ArrayList<>();
      for (Map<String, AttributeValue> chunk : chunks) {
        puts.add(
            WriteRequest.builder().putRequest(PutRequest.builder().item(chunk).build()).build());
      }
      return puts;
    }

    List<WriteRequest> chunkDeletes() {
      List<WriteRequest> deletes = new ArrayList<>();
      for (Map<String, AttributeValue> chunk : chunks) {
        deletes.add(deleteRequest(DynamoDbItems.itemKey(chunk)));
      }
      return deletes;
    }
  }

  private Prepared prepare(String payload, String stableKey) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > maxPayloadSize) {
      throw new PayloadTooLargeException(
          "payload is "
              + bytes.length
              + " bytes, above the DynamoDB store's maxPayloadSize of "
              + maxPayloadSize
              + " bytes (table "
              + table
              + ")",
          null,
          null,
          null,
          null);
    }
    PayloadPointer pointer =
        PayloadPointer.dynamoDb(
            table,
            keyPrefix
                + (stableKey == null
                    ? UUID.randomUUID().toString()
                    : KeyPrefixes.stableKey(stableKey)));
    long ttl = clock.instant().plus(timeToLive).getEpochSecond();
    List<Map<String, AttributeValue>> chunks =
        DynamoDbItems.chunks(pointer.key(), bytes, chunkSize, ttl);
    return new Prepared(
        pointer,
        chunks,
        DynamoDbItems.manifest(pointer.key(), chunks.size(), bytes, ttl),
        stableKey != null);
  }

  private void removeChunks(Prepared prepared) {
    for (List<WriteRequest> batch : batches(prepared.chunkDeletes())) {
      writeBatch(batch);
    }
  }

  private CompletableFuture<Void> removeChunksAsync(Prepared prepared) {
    List<CompletableFuture<?>> deletes = new ArrayList<>();
    for (List<WriteRequest> batch : batches(prepared.chunkDeletes())) {
      deletes.add(writeBatchAsync(batch, 1));
    }
    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
  }

  // ---- read ------------------------------------------------------------------------------------

  @Override
  public String read(PayloadPointer pointer) {
    checkAllowed(pointer);
    if (dynamoDb == null) {
      return Futures.join(readAsync(pointer), "DynamoDB call");
    }
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    try {
      for (QueryResponse page : dynamoDb.queryPaginator(query(pointer, false))) {
        items.addAll(page.items());
        DynamoDbItems.checkManifestSize(pointer, items, maxPayloadSize);
      }
    } catch (ExtendedClientException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ExtendedClientException(
          "cannot read payload from DynamoDB", null, null, pointer, e);
    }
    return DynamoDbItems.assemble(pointer, items, maxPayloadSize);
  }

  @Override
  public CompletableFuture<String> readAsync(PayloadPointer pointer) {
    try {
      checkAllowed(pointer);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (dynamoDbAsync == null) {
      return CompletableFuture.supplyAsync(() -> read(pointer), asyncExecutor);
    }
    return queryAllAsync(
            query(pointer, false),
            new ArrayList<>(),
            items -> DynamoDbItems.checkManifestSize(pointer, items, maxPayloadSize))
        .handle(
            (items, error) -> {
              if (error != null) {
                Throwable cause = Futures.unwrap(error);
                if (cause instanceof ExtendedClientException known) {
                  throw known;
                }
                throw new ExtendedClientException(
                    "cannot read payload from DynamoDB", null, null, pointer, cause);
              }
              return DynamoDbItems.assemble(pointer, items, maxPayloadSize);
            });
  }

  private QueryRequest query(PayloadPointer pointer, boolean keysOnly) {
    QueryRequest.Builder query =
        QueryRequest.builder()
            .tableName(pointer.container())
            .keyConditionExpression("#pk = :pk")
            .expressionAttributeNames(
                keysOnly
                    ? Map.of("#pk", DynamoDbItems.PARTITION_KEY, "#sk", DynamoDbItems.SORT_KEY)
                    : Map.of("#pk", DynamoDbItems.PARTITION_KEY))
            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pointer.key())))
            // "manifest" sorts after "chunk#...": descending, it comes first, so its size is
            // checked before more than one page of chunks is read.
            .scanIndexForward(false)
            .consistentRead(true);
    if (keysOnly) {
      query.projectionExpression("#pk, #sk");
    }
    return query.build();
  }

  private CompletableFuture<List<Map<String, AttributeValue>>> queryAllAsync(
      QueryRequest query,
      List<Map<String, AttributeValue>> items,
      Consumer<List<Map<String, AttributeValue>>> afterPage) {
    return dynamoDbAsync
        .query(query)
        .thenCompose(
            (QueryResponse page) -> {
              items.addAll(page.items());
              afterPage.accept(items);
              if (page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()) {
                return queryAllAsync(
                    query.toBuilder().exclusiveStartKey(page.lastEvaluatedKey()).build(),
                    items,
                    afterPage);
              }
              return CompletableFuture.completedFuture(items);
            });
  }

  // ---- delete ----------------------------------------------------------------------------------

  @Override
  public void delete(PayloadPointer pointer) {
    checkAllowed(pointer);
    if (dynamoDb == null) {
      Futures.join(deleteAsync(pointer), "DynamoDB call");
      return;
    }
    try {
      List<Map<String, AttributeValue>> keys = new ArrayList<>();
      dynamoDb.queryPaginator(query(pointer, true)).items().forEach(keys::add);
      dynamoDb.deleteItem(
          r -> r.tableName(pointer.container()).key(DynamoDbItems.manifestKey(pointer.key())));
      for (List<WriteRequest> batch : batches(chunkDeletes(keys))) {
        writeBatch(pointer.container(), batch);
      }
    } catch (RuntimeException e) {
      throw new ExtendedClientException(
          "cannot delete payload from DynamoDB", null, null, pointer, e);
    }
  }

  @Override
  public CompletableFuture<Void> deleteAsync(PayloadPointer pointer) {
    try {
      checkAllowed(pointer);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (dynamoDbAsync == null) {
      return CompletableFuture.runAsync(() -> delete(pointer), asyncExecutor);
    }
    return queryAllAsync(query(pointer, true), new ArrayList<>(), keys -> {})
        .thenCompose(
            keys ->
                dynamoDbAsync
                    .deleteItem(
                        r ->
                            r.tableName(pointer.container())
                                .key(DynamoDbItems.manifestKey(pointer.key())))
                    .thenCompose(
                        done -> {
                          List<CompletableFuture<?>> deletes = new ArrayList<>();
                          for (List<WriteRequest> batch : batches(chunkDeletes(keys))) {
                            deletes.add(writeBatchAsync(pointer.container(), batch, 1));
                          }
                          return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
                        }))
        .handle(
            (done, error) -> {
              if (error != null) {
                throw new ExtendedClientException(
                    "cannot delete payload from DynamoDB",
                    null,
                    null,
                    pointer,
                    Futures.unwrap(error));
              }
              return null;
            });
  }

  private static List<WriteRequest> chunkDeletes(List<Map<String, AttributeValue>> keys) {
    List<WriteRequest> deletes = new ArrayList<>();
    for (Map<String, AttributeValue> key : keys) {
      if (!DynamoDbItems.isManifest(key)) {
        deletes.add(deleteRequest(DynamoDbItems.itemKey(key)));
      }
    }
    return deletes;
  }

  private static WriteRequest deleteRequest(Map<String, AttributeValue> key) {
    return WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build();
  }

  // ---- batch writes with retry of unprocessed items
  // ----------------------------------------------

  private static List<List<WriteRequest>> batches(List<WriteRequest> requests) {
    List<List<WriteRequest>> batches = new ArrayList<>();
    for (int from = 0; from < requests.size(); from += BATCH_WRITE_LIMIT) {
      batches.add(requests.subList(from, Math.min(requests.size(), from + BATCH_WRITE_LIMIT)));
    }
    return batches;
  }

  private void writeBatch(List<WriteRequest> batch) {
    writeBatch(table, batch);
  }

  private void writeBatch(String inTable, List<WriteRequest> batch) {
    List<WriteRequest> pending = batch;
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      if (attempt > BATCH_WRITE_ATTEMPTS) {
        throw unprocessed(inTable, pending.size());
      }
      if (attempt > 1) {
        sleep(backoffMillis(attempt));
      }
      List<WriteRequest> requests = pending;
      BatchWriteItemResponse response =
          dynamoDb.batchWriteItem(r -> r.requestItems(Map.of(inTable, requests)));
      pending = response.unprocessedItems().getOrDefault(inTable, List.of());
    }
  }

  private CompletableFuture<Void> writeBatchAsync(List<WriteRequest> batch, int attempt) {
    return writeBatchAsync(table, batch, attempt);
  }

  private CompletableFuture<Void> writeBatchAsync(
      String inTable, List<WriteRequest> batch, int attempt) {
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    if (attempt > BATCH_WRITE_ATTEMPTS) {
      return CompletableFuture.failedFuture(unprocessed(inTable, batch.size()));
    }
    Supplier<CompletableFuture<BatchWriteItemResponse>> call =
        () -> dynamoDbAsync.batchWriteItem(r -> r.requestItems(Map.of(inTable, batch)));
    CompletableFuture<BatchWriteItemResponse> response =
        attempt == 1
            ? call.get()
            : CompletableFuture.supplyAsync(
                    () -> null,
                    CompletableFuture.delayedExecutor(
                        backoffMillis(attempt), TimeUnit.MILLISECONDS))
                .thenCompose(ignored -> call.get());
    return response.thenCompose(
        written ->
            writeBatchAsync(
                inTable, written.unprocessedItems().getOrDefault(inTable, List.of()), attempt + 1));
  }

  private static long backoffMillis(int attempt) {
    return Math.min(1_000L, 25L << Math.min(attempt, 6));
  }

  private static ExtendedClientException unprocessed(String inTable, int count) {
    return new ExtendedClientException(
        count
            + " items of table "
            + inTable
            + " still unprocessed after "
            + BATCH_WRITE_ATTEMPTS
            + " BatchWriteItem attempts (throttled?)");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExtendedClientException("interrupted while retrying a DynamoDB batch write", e);
    }
  }

  // ---- shared ----------------------------------------------------------------------------------

  private void checkAllowed(PayloadPointer pointer) {
    Objects.requireNonNull(pointer, "pointer cannot be null");
    if (!allows(pointer)) {
      throw new PayloadNotAllowedException(
          pointer.kind() != PayloadPointer.Kind.DYNAMODB
              ? "pointer names a "
                  + pointer.kind()
                  + " store; this DynamoDB store reads DynamoDB pointers only"
              : !allowedTables.contains(pointer.container())
                  ? "pointer names table '"
                      + pointer.container()
                      + "', which is not allowed (allowed: "
                      + allowedTables
                      + ")"
                  : "pointer names a key outside the store's key prefix '"
                      + keyPrefix
                      + "' (enforceKeyPrefix is on)",
          null,
          null,
          pointer,
          null);
    }
  }

  private static ExtendedClientException storeFailed(PayloadPointer pointer, Throwable error) {
    Throwable cause = Futures.unwrap(error);
    return new ExtendedClientException(
        "cannot store payload in DynamoDB", null, null, pointer, cause);
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
      if (maxPayloadSize < 1 || maxPayloadSize > 64 * 1024 * 1024) {
        throw new IllegalArgumentException(
            "maxPayloadSize must be 1..67108864 (64 MiB; larger payloads belong in S3), was "
                + maxPayloadSize);
      }
      keyPrefix =
          KeyPrefixes.valid(keyPrefix, 1000, "a DynamoDB partition key holds at most 2,048 bytes");
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
      return new DynamoDbPayloadStore(this);
    }
  }
}
