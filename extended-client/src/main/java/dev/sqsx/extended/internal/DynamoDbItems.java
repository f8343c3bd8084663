/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import dev.sqsx.extended.PayloadIntegrityException;
import dev.sqsx.extended.PayloadNotAllowedException;
import dev.sqsx.extended.PayloadNotFoundException;
import dev.sqsx.extended.PayloadPointer;
import dev.sqsx.extended.PayloadTooLargeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The item layout of the DynamoDB payload store. One payload is several items under one partition
 * key ({@code pk} = the pointer's key): chunk items {@code sk = chunk#00000, chunk#00001, ...} with
 * the bytes in {@code data}, and a manifest item {@code sk = manifest} with the chunk count, total
 * bytes and SHA-256, written last. Every item has the TTL attribute {@code ttl} (epoch seconds)
 * and, since the sweeper came, {@code created} (epoch milliseconds, the same on every item of one
 * store; readers never need it, and items written before it have only {@code ttl}). A reader that
 * finds no manifest sees no payload, so a half-written payload is never read.
 */
public final class DynamoDbItems {

  /** Partition key attribute: the pointer's key. */
  public static final String PARTITION_KEY = "pk";

  /** Sort key attribute: {@code manifest} or {@code chunk#NNNNN}. */
  public static final String SORT_KEY = "sk";

  /** TTL attribute, epoch seconds. */
  public static final String TTL = "ttl";

  /**
   * When the payload was stored, epoch milliseconds: what the sweeper ages items by. Not read by
   * readers; absent from items written before the sweeper.
   */
  public static final String CREATED = "created";

  static final String DATA = "data";

  /** Manifest attribute: the number of chunk items. */
  public static final String CHUNKS = "chunks";

  static final String BYTES = "bytes";
  public static final String SHA256 = "sha256";

  /** The manifest's sort key. */
  public static final String MANIFEST = "manifest";

  /** The prefix of chunk items' sort keys, followed by five digits. */
  public static final String CHUNK_PREFIX = "chunk#";

  /** The largest payload any sqsx DynamoDB store writes: the highest maxPayloadSize, 64 MiB. */
  public static final int LARGEST_PAYLOAD = 64 * 1024 * 1024;

  private DynamoDbItems() {}

  /** The chunk items of a payload, in order. */
  public static List<Map<String, AttributeValue>> chunks(
      String key, byte[] payload, int chunkSize, long ttlEpochSeconds, long createdEpochMillis) {
    List<Map<String, AttributeValue>> chunks = new ArrayList<>();
    int index = 0;
    for (int from = 0; from < payload.length || index == 0; from += chunkSize, index++) {
      byte[] part = Arrays.copyOfRange(payload, from, Math.min(payload.length, from + chunkSize));
      chunks.add(
          Map.of(
              PARTITION_KEY, AttributeValue.fromS(key),
              SORT_KEY, AttributeValue.fromS(chunkSortKey(index)),
              DATA, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(part)),
              TTL, AttributeValue.fromN(Long.toString(ttlEpochSeconds)),
              CREATED, AttributeValue.fromN(Long.toString(createdEpochMillis))));
    }
    return chunks;
  }

  /** The manifest item, to be written after all chunks. */
  public static Map<String, AttributeValue> manifest(
      String key, int chunkCount, byte[] payload, long ttlEpochSeconds, long createdEpochMillis) {
    return Map.of(
        PARTITION_KEY, AttributeValue.fromS(key),
        SORT_KEY, AttributeValue.fromS(MANIFEST),
        CHUNKS, AttributeValue.fromN(Integer.toString(chunkCount)),
        BYTES, AttributeValue.fromN(Integer.toString(payload.length)),
        SHA256, AttributeValue.fromS(Digests.sha256Hex(payload)),
        TTL, AttributeValue.fromN(Long.toString(ttlEpochSeconds)),
        CREATED, AttributeValue.fromN(Long.toString(createdEpochMillis)));
  }

  /** The primary key of one item. */
  public static Map<String, AttributeValue> itemKey(Map<String, AttributeValue> item) {
    return Map.of(PARTITION_KEY, item.get(PARTITION_KEY), SORT_KEY, item.get(SORT_KEY));
  }

  /** The primary key of a payload's manifest item. */
  public static Map<String, AttributeValue> manifestKey(String key) {
    return Map.of(
        PARTITION_KEY, AttributeValue.fromS(key), SORT_KEY, AttributeValue.fromS(MANIFEST));
  }

  /** The primary keys of a payload's chunk items 0..count-1. */
  public static List<Map<String, AttributeValue>> chunkKeys(String key, int count) {
    List<Map<String, AttributeValue>> keys = new ArrayList<>(count);
    for (int index = 0; index < count; index++) {
      keys.add(
          Map.of(
              PARTITION_KEY, AttributeValue.fromS(key),
              SORT_KEY, AttributeValue.fromS(chunkSortKey(index))));
    }
    return keys;
  }

  /**
   * The number of chunks a manifest item names, once the item is shown to be a payload manifest as
   * sqsx writes it: {@code chunks} 1..max(1, {@code bytes}), {@code bytes} 0..64 MiB, {@code
   * sha256} 64 lower-case hex digits. A delete removes this manifest and exactly these chunks.
   *
   * @throws PayloadNotAllowedException when the item is not such a manifest (another application's
   *     item at sort key {@code manifest}): nothing under its key is known to be the payload's
   */
  public static int deletableChunkCount(
      PayloadPointer pointer, Map<String, AttributeValue> manifest) {
    int chunks = integer(manifest.get(CHUNKS), 1, LARGEST_PAYLOAD);
    if (chunks < 0) {
      throw notAManifest(pointer, "no valid '" + CHUNKS + "'");
    }
    int bytes = integer(manifest.get(BYTES), 0, LARGEST_PAYLOAD);
    if (bytes < 0) {
      throw notAManifest(pointer, "no valid '" + BYTES + "'");
    }
    if (chunks > Math.max(1, bytes)) {
      // Every chunk but an empty payload's one holds at least one byte.
      throw notAManifest(pointer, chunks + " chunks of " + bytes + " bytes");
    }
    AttributeValue sha256 = manifest.get(SHA256);
    if (sha256 == null || sha256.s() == null || !sha256.s().matches("[0-9a-f]{64}")) {
      throw notAManifest(pointer, "no valid '" + SHA256 + "'");
    }
    return chunks;
  }

  /** A number attribute's integer value within min..max; -1 when absent, not one, or outside. */
  private static int integer(AttributeValue value, int min, int max) {
    if (value == null || value.n() == null) {
      return -1;
    }
    try {
      int number = Integer.parseInt(value.n());
      return number >= min && number <= max ? number : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static PayloadNotAllowedException notAManifest(PayloadPointer pointer, String reason) {
    return new PayloadNotAllowedException(
        "cannot delete from DynamoDB: the item at sort key '"
            + MANIFEST
            + "' is not an sqsx payload manifest ("
            + reason
            + "), so nothing under the key is known to be the payload's; nothing was deleted",
        null,
        null,
        pointer,
        null);
  }

  /** Whether an item is the manifest. */
  public static boolean isManifest(Map<String, AttributeValue> item) {
    AttributeValue sortKey = item.get(SORT_KEY);
    return sortKey != null && MANIFEST.equals(sortKey.s());
  }

  /**
   * Puts a payload's UTF-8 bytes back together from all items of its partition and checks them
   * against the manifest.
   *
   * @throws PayloadNotFoundException when there is no manifest (never written, or being deleted)
   * @throws PayloadIntegrityException when chunks are missing or the bytes do not match
   */
  public static byte[] assemble(
      PayloadPointer pointer, List<Map<String, AttributeValue>> items, int maxPayloadSize) {
    Map<String, AttributeValue> manifest =
        items.stream().filter(DynamoDbItems::isManifest).findFirst().orElse(null);
    if (manifest == null) {
      throw new PayloadNotFoundException(
          "payload not found in DynamoDB (no manifest item)", null, null, pointer, null);
    }
    int chunkCount = number(pointer, manifest, CHUNKS);
    int totalBytes = number(pointer, manifest, BYTES);
    checkSize(pointer, totalBytes, maxPayloadSize);
    if (chunkCount < 0 || totalBytes < 0) {
      throw corrupt(pointer, "the manifest names " + chunkCount + " chunks of " + totalBytes);
    }
    // Keyed by index, not an array of the manifest's chunk count: the manifest is read, not
    // trusted.
    Map<Integer, byte[]> parts = new HashMap<>();
    for (Map<String, AttributeValue> item : items) {
      String sortKey = item.get(SORT_KEY).s();
      if (sortKey.startsWith(CHUNK_PREFIX) && item.get(DATA) != null) {
        int index = Integer.parseInt(sortKey.substring(CHUNK_PREFIX.length()));
        if (index < chunkCount) {
          parts.put(index, item.get(DATA).b().asByteArrayUnsafe());
        }
      }
    }
    byte[] payload = new byte[totalBytes];
    int offset = 0;
    for (int i = 0; i < chunkCount; i++) {
      byte[] part = parts.get(i);
      if (part == null || offset + part.length > totalBytes) {
        throw corrupt(pointer, "chunk " + i + " of " + chunkCount + " is missing or too long");
      }
      System.arraycopy(part, 0, payload, offset, part.length);
      offset += part.length;
    }
    if (offset != totalBytes) {
      throw corrupt(pointer, "chunks hold " + offset + " bytes, the manifest says " + totalBytes);
    }
    AttributeValue recorded = manifest.get(SHA256);
    if (recorded == null || !recorded.s().equals(Digests.sha256Hex(payload))) {
      throw corrupt(pointer, "payload does not match the SHA-256 recorded when it was stored");
    }
    return payload;
  }

  /**
   * Fails when the manifest — the first item, as the store reads in descending order — says the
   * payload is larger than {@code maxPayloadSize}: before the rest of its chunks are read.
   *
   * @throws PayloadTooLargeException when it is
   */
  public static void checkManifestSize(
      PayloadPointer pointer, List<Map<String, AttributeValue>> items, int maxPayloadSize) {
    if (!items.isEmpty() && isManifest(items.get(0))) {
      checkSize(pointer, number(pointer, items.get(0), BYTES), maxPayloadSize);
    }
  }

  /**
   * The payload's size as its manifest says, when the manifest is the first item (as the store
   * reads in descending order); -1 when the first item is something else.
   *
   * @throws PayloadIntegrityException when the manifest's size is not a number
   */
  public static long manifestBytes(
      PayloadPointer pointer, List<Map<String, AttributeValue>> items) {
    if (!items.isEmpty() && isManifest(items.get(0))) {
      return number(pointer, items.get(0), BYTES);
    }
    return -1;
  }

  private static void checkSize(PayloadPointer pointer, int totalBytes, int maxPayloadSize) {
    if (totalBytes > maxPayloadSize) {
      throw new PayloadTooLargeException(
          "payload in DynamoDB has "
              + totalBytes
              + " bytes (its manifest says), above the store's maxPayloadSize of "
              + maxPayloadSize
              + " bytes",
          null,
          null,
          pointer,
          null);
    }
  }

  private static int number(
      PayloadPointer pointer, Map<String, AttributeValue> manifest, String attribute) {
    AttributeValue value = manifest.get(attribute);
    try {
      return Integer.parseInt(value.n());
    } catch (RuntimeException e) {
      throw corrupt(pointer, "manifest has no valid '" + attribute + "'");
    }
  }

  private static PayloadIntegrityException corrupt(PayloadPointer pointer, String reason) {
    return new PayloadIntegrityException(
        "DynamoDB payload failed its integrity check: " + reason, null, null, pointer, null);
  }

  private static String chunkSortKey(int index) {
    return String.format("%s%05d", CHUNK_PREFIX, index);
  }
}
