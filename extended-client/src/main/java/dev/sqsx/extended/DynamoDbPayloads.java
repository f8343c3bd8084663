/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.DynamoDbItems;
import dev.sqsx.extended.internal.Futures;
import dev.sqsx.extended.internal.KeyPrefixes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * How {@link DynamoDbPayloadStore} writes, reads and deletes a payload's items, once, for both
 * client kinds (see {@link DynamoDbCalls}): chunks first, the manifest last (one consistent query
 * never sees a partial payload); on delete the manifest first. Batch writes retry unprocessed items
 * with backoff. Failures are failed futures carrying an {@link ExtendedClientException}.
 */
final class DynamoDbPayloads {

  private static final int BATCH_WRITE_LIMIT = 25;
  private static final int BATCH_WRITE_ATTEMPTS = 8;

  private final DynamoDbCalls calls;
  private final DynamoDbPayloadStore.Config config;

  DynamoDbPayloads(DynamoDbCalls calls, DynamoDbPayloadStore.Config config) {
    this.calls = calls;
    this.config = config;
  }

  DynamoDbCalls calls() {
    return calls;
  }

  // ---- store -----------------------------------------------------------------------------------

  /**
   * Stores a payload under a new key, or under {@code <keyPrefix>s-<stableKey>}: the same payload
   * again overwrites its items (the manifest's condition accepts an equal SHA-256), and a failed
   * stable store leaves what was written (it may be an earlier, identical payload a message points
   * to; TTL removes it). A failed store under a new key removes its chunks.
   */
  CompletableFuture<PayloadPointer> store(String payload, String stableKey) {
    return store(payload.getBytes(StandardCharsets.UTF_8), stableKey);
  }

  /** {@link #store(String, String)} for a payload given as its UTF-8 bytes (not modified). */
  CompletableFuture<PayloadPointer> store(byte[] utf8, String stableKey) {
    Prepared prepared;
    try {
      prepared = prepare(utf8, stableKey);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<PayloadPointer> stored =
        writeAll(config.table(), prepared.chunkPuts())
            .thenCompose(done -> calls.putItem(manifestPut(prepared)))
            .thenApply(done -> prepared.pointer());
    return Futures.afterwards(
        stored,
        (pointer, error) -> {
          if (error == null) {
            return CompletableFuture.completedFuture(pointer);
          }
          ExtendedClientException failure =
              new ExtendedClientException(
                  "cannot store payload in DynamoDB", null, null, prepared.pointer(), error);
          if (prepared.stable()) {
            return CompletableFuture.<PayloadPointer>failedFuture(failure);
          }
          return writeAll(config.table(), prepared.chunkDeletes())
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

  private Prepared prepare(byte[] bytes, String stableKey) {
    if (bytes.length > config.maxPayloadSize()) {
      throw new PayloadTooLargeException(
          "payload is "
              + bytes.length
              + " bytes, above the DynamoDB store's maxPayloadSize of "
              + config.maxPayloadSize()
              + " bytes (table "
              + config.table()
              + ")",
          null,
          null,
          null,
          null);
    }
    PayloadPointer pointer =
        PayloadPointer.dynamoDb(
            config.table(),
            config.keyPrefix()
                + (stableKey == null
                    ? UUID.randomUUID().toString()
                    : KeyPrefixes.stableKey(stableKey)));
    Instant now = config.clock().instant();
    long ttl = now.plus(config.timeToLive()).getEpochSecond();
    long created = now.toEpochMilli();
    List<Map<String, AttributeValue>> chunks =
        DynamoDbItems.chunks(pointer.key(), bytes, config.chunkSize(), ttl, created);
    return new Prepared(
        pointer,
        chunks,
        DynamoDbItems.manifest(pointer.key(), chunks.size(), bytes, ttl, created),
        stableKey != null);
  }

  /** The manifest, written last: new, or (stable key) the same payload again. */
  private PutItemRequest manifestPut(Prepared prepared) {
    PutItemRequest.Builder put =
        PutItemRequest.builder().tableName(config.table()).item(prepared.manifest());
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

  // ---- read ------------------------------------------------------------------------------------

  /** Reads and assembles an (allowed) payload, checking its size before reading every chunk. */
  CompletableFuture<byte[]> read(PayloadPointer pointer) {
    return readWithin(pointer, Long.MAX_VALUE);
  }

  /**
   * {@link #read} of a payload whose manifest says at most {@code cap} bytes; null, after the first
   * page of the query, when it says more or is not the first item (the size is not known).
   */
  CompletableFuture<byte[]> readWithin(PayloadPointer pointer, long cap) {
    int maxPayloadSize = config.maxPayloadSize();
    return queryAll(
            query(pointer),
            new ArrayList<>(),
            items -> {
              DynamoDbItems.checkManifestSize(pointer, items, maxPayloadSize);
              if (cap != Long.MAX_VALUE && !items.isEmpty()) {
                long bytes = DynamoDbItems.manifestBytes(pointer, items);
                if (bytes < 0 || bytes > cap) {
                  throw new OverCap();
                }
              }
            })
        .handle(
            (items, error) -> {
              if (error != null) {
                Throwable cause = Futures.unwrap(error);
                if (OverCap.in(cause)) {
                  return null;
                }
                if (cause instanceof ExtendedClientException known) {
                  throw known;
                }
                throw new ExtendedClientException(
                    "cannot read payload from DynamoDB", null, null, pointer, cause);
              }
              return DynamoDbItems.assemble(pointer, items, maxPayloadSize);
            });
  }

  private static QueryRequest query(PayloadPointer pointer) {
    return QueryRequest.builder()
        .tableName(pointer.container())
        .keyConditionExpression("#pk = :pk")
        .expressionAttributeNames(Map.of("#pk", DynamoDbItems.PARTITION_KEY))
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pointer.key())))
        // "manifest" sorts after "chunk#...": descending, it comes first, so its size is
        // checked before more than one page of chunks is read.
        .scanIndexForward(false)
        .consistentRead(true)
        .build();
  }

  private CompletableFuture<List<Map<String, AttributeValue>>> queryAll(
      QueryRequest query,
      List<Map<String, AttributeValue>> items,
      Consumer<List<Map<String, AttributeValue>>> afterPage) {
    return calls
        .query(query)
        .thenCompose(
            page -> {
              items.addAll(page.items());
              afterPage.accept(items);
              if (page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()) {
                return queryAll(
                    query.toBuilder().exclusiveStartKey(page.lastEvaluatedKey()).build(),
                    items,
                    afterPage);
              }
              return CompletableFuture.completedFuture(items);
            });
  }

  // ---- delete ----------------------------------------------------------------------------------

  /**
   * Deletes an (allowed) payload: exactly the items its manifest names, the manifest first, then
   * its chunks; nothing else under the key. No manifest: nothing is deleted (gone already, or never
   * a payload). An item at the manifest's key that is not a payload manifest fails with {@link
   * PayloadNotAllowedException}, deleting nothing. The chunks the manifest named are deleted even
   * when the manifest is gone by the time it is deleted (another delete took it, or an SDK retry
   * after a lost response finds its own earlier delete): the manifest that was read proved them the
   * payload's.
   */
  CompletableFuture<Void> delete(PayloadPointer pointer) {
    String table = pointer.container();
    GetItemRequest get =
        GetItemRequest.builder()
            .tableName(table)
            .key(DynamoDbItems.manifestKey(pointer.key()))
            .consistentRead(true)
            .build();
    return calls
        .getItem(get)
        .thenCompose(
            found -> {
              if (!found.hasItem() || found.item().isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              int chunks = DynamoDbItems.deletableChunkCount(pointer, found.item());
              return deleteManifest(table, found.item())
                  .thenCompose(
                      done ->
                          writeAll(
                              table,
                              deleteRequests(DynamoDbItems.chunkKeys(pointer.key(), chunks))));
            })
        .handle(
            (done, error) -> {
              if (error != null) {
                Throwable cause = Futures.unwrap(error);
                if (cause instanceof PayloadNotAllowedException refused) {
                  throw refused;
                }
                throw new ExtendedClientException(
                    "cannot delete payload from DynamoDB", null, null, pointer, cause);
              }
              return null;
            });
  }

  /**
   * Deletes the manifest that was read, on condition that it is still the same one: an item that
   * replaced it is left alone; one that is gone is no failure.
   */
  private CompletableFuture<Void> deleteManifest(
      String table, Map<String, AttributeValue> manifest) {
    DeleteItemRequest delete =
        DeleteItemRequest.builder()
            .tableName(table)
            .key(DynamoDbItems.itemKey(manifest))
            .conditionExpression("#sha = :sha AND #chunks = :chunks")
            .expressionAttributeNames(
                Map.of("#sha", DynamoDbItems.SHA256, "#chunks", DynamoDbItems.CHUNKS))
            .expressionAttributeValues(
                Map.of(
                    ":sha", manifest.get(DynamoDbItems.SHA256),
                    ":chunks", manifest.get(DynamoDbItems.CHUNKS)))
            .build();
    return calls
        .deleteItem(delete)
        .handle(
            (done, error) -> {
              Throwable cause = error == null ? null : Futures.unwrap(error);
              if (cause == null || cause instanceof ConditionalCheckFailedException) {
                return null;
              }
              throw new CompletionException(cause);
            });
  }

  private static List<WriteRequest> deleteRequests(List<Map<String, AttributeValue>> keys) {
    List<WriteRequest> deletes = new ArrayList<>();
    for (Map<String, AttributeValue> key : keys) {
      deletes.add(deleteRequest(key));
    }
    return deletes;
  }

  private static WriteRequest deleteRequest(Map<String, AttributeValue> key) {
    return WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build();
  }

  // ---- batch writes with retry of unprocessed items --------------------------------------------

  /** Writes every request in batches of 25 (in parallel on an asynchronous client). */
  private CompletableFuture<Void> writeAll(String table, List<WriteRequest> requests) {
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (int from = 0; from < requests.size(); from += BATCH_WRITE_LIMIT) {
      List<WriteRequest> batch =
          requests.subList(from, Math.min(requests.size(), from + BATCH_WRITE_LIMIT));
      CompletableFuture<Void> written = writeBatch(table, batch, 1);
      writes.add(written);
      if (written.isCompletedExceptionally()) {
        break; // already failed (a synchronous client): the rest would be wasted calls
      }
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
  }

  private CompletableFuture<Void> writeBatch(String table, List<WriteRequest> batch, int attempt) {
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    if (attempt > BATCH_WRITE_ATTEMPTS) {
      return CompletableFuture.failedFuture(
          new ExtendedClientException(
              batch.size()
                  + " items of table "
                  + table
                  + " still unprocessed after "
                  + BATCH_WRITE_ATTEMPTS
                  + " BatchWriteItem attempts (throttled?)"));
    }
    CompletableFuture<Void> before =
        attempt == 1
            ? CompletableFuture.completedFuture(null)
            : calls.pause(Math.min(1_000L, 25L << Math.min(attempt, 6)));
    return before
        .thenCompose(
            ready ->
                calls.batchWriteItem(
                    BatchWriteItemRequest.builder().requestItems(Map.of(table, batch)).build()))
        .thenCompose(
            written ->
                writeBatch(
                    table, written.unprocessedItems().getOrDefault(table, List.of()), attempt + 1));
  }
}
