/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.DynamoDbItems;
import dev.sqsx.extended.internal.Futures;
import dev.sqsx.extended.internal.KeyPrefixes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The items of a {@link DynamoDbPayloadStore}'s table that are payload items as the store writes
 * them: partition key the store's key prefix (possibly empty) followed by a UUID or a stable key
 * ({@code s-} and hex digits), sort key {@code manifest} (with a {@code sha256}) or {@code
 * chunk#NNNNN} (with binary {@code data}), and a {@code created} (epoch ms) or at least a {@code
 * ttl} (epoch s) attribute. Anything else in the table is never listed. Scanned with {@code Scan},
 * {@code ExclusiveStartKey} serving as the resume point; a resume token is {@code <pk>|<sk>}.
 *
 * <p>An item written before the store wrote {@code created} is aged from its {@code ttl}: it was
 * written at the latest {@code ttl} minus the shortest time to live the store accepts (one minute),
 * so it is counted as written then, never later than it was. Each delete is conditional on the
 * item's {@code created} (or, without one, its {@code ttl}) being what was listed: a payload stored
 * again under the same stable key meanwhile is left alone.
 */
final class DynamoDbSweepTarget implements SweepTarget {

  /**
   * The shortest {@code timeToLive} the store accepts: what ages an item without {@code created}.
   */
  static final Duration SHORTEST_TIME_TO_LIVE = Duration.ofMinutes(1);

  private static final Pattern SORT_KEY =
      Pattern.compile(
          Pattern.quote(DynamoDbItems.MANIFEST)
              + "|"
              + Pattern.quote(DynamoDbItems.CHUNK_PREFIX)
              + "[0-9]{5}");

  private static final String DATA = "data";

  /** The latest {@code ttl} an instant can hold; a later one is not the store's. */
  private static final long LATEST_TTL = Instant.MAX.getEpochSecond();

  private final DynamoDbCalls calls;
  private final String table;
  private final String keyPrefix;

  DynamoDbSweepTarget(DynamoDbCalls calls, String table, String keyPrefix) {
    this.calls = calls;
    this.table = table;
    this.keyPrefix = keyPrefix;
  }

  @Override
  public String describe() {
    return "DynamoDB table "
        + table
        + (keyPrefix.isEmpty() ? "" : " (key prefix '" + keyPrefix + "')");
  }

  @Override
  public String keyPrefix() {
    return keyPrefix;
  }

  @Override
  public void checkResumeToken(String token) {
    int bar = token.lastIndexOf('|');
    if (bar < 0 || !SORT_KEY.matcher(token.substring(bar + 1)).matches()) {
      throw new IllegalArgumentException(
          "startAfter '"
              + token
              + "' is not an item of "
              + describe()
              + ": expected <pk>|manifest or <pk>|chunk#NNNNN, as a report's resumeAfter");
    }
    if (!KeyPrefixes.written(keyPrefix, token.substring(0, bar))) {
      throw new IllegalArgumentException(
          "startAfter '"
              + token
              + "' is outside the key prefix '"
              + keyPrefix
              + "': its partition key is not the prefix followed by a UUID or stable key");
    }
  }

  @Override
  public Iterator<List<Candidate>> list(String startAfter, int pageSize) {
    return new Iterator<>() {
      private Map<String, AttributeValue> exclusiveStart =
          startAfter == null ? null : itemKey(startAfter);
      private boolean done;

      @Override
      public boolean hasNext() {
        return !done;
      }

      @Override
      public List<Candidate> next() {
        if (done) {
          throw new NoSuchElementException();
        }
        ScanResponse page = Futures.join(calls.scan(scan(pageSize)), "DynamoDB Scan");
        exclusiveStart = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        done = exclusiveStart == null || exclusiveStart.isEmpty();
        List<Candidate> candidates = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
          Candidate candidate = candidate(item);
          if (candidate != null) {
            candidates.add(candidate);
          }
        }
        return candidates;
      }

      private ScanRequest scan(int limit) {
        ScanRequest.Builder scan = ScanRequest.builder().tableName(table).limit(limit);
        if (exclusiveStart != null) {
          scan.exclusiveStartKey(exclusiveStart);
        }
        if (!keyPrefix.isEmpty()) {
          scan.filterExpression("begins_with(#pk, :prefix)")
              .expressionAttributeNames(Map.of("#pk", DynamoDbItems.PARTITION_KEY))
              .expressionAttributeValues(Map.of(":prefix", AttributeValue.fromS(keyPrefix)));
        }
        return scan.build();
      }
    };
  }

  /** A payload item of the store's, with its age; null for anything else. */
  private Candidate candidate(Map<String, AttributeValue> item) {
    String pk = string(item.get(DynamoDbItems.PARTITION_KEY));
    String sk = string(item.get(DynamoDbItems.SORT_KEY));
    if (pk == null
        || sk == null
        || !KeyPrefixes.written(keyPrefix, pk)
        || !SORT_KEY.matcher(sk).matches()) {
      // never outside the prefix, never another application's item: the store's partition keys
      // are its prefix followed by a UUID or a stable key (not "tenant-ab/1" for the prefix
      // "tenant-a", not "billing/1" for a store without a prefix)
      return null;
    }
    AttributeValue data = item.get(DATA);
    boolean manifest = DynamoDbItems.isManifest(item);
    if (manifest
        ? string(item.get(DynamoDbItems.SHA256)) == null
        : data == null || data.b() == null) {
      return null; // a manifest has its SHA-256, a chunk its data: else not the store's item
    }
    long created = number(item.get(DynamoDbItems.CREATED));
    long ttl = number(item.get(DynamoDbItems.TTL));
    Instant stored;
    String versionAttribute;
    AttributeValue version;
    if (created >= 0) {
      stored = Instant.ofEpochMilli(created);
      versionAttribute = DynamoDbItems.CREATED;
      version = item.get(DynamoDbItems.CREATED);
    } else if (ttl >= 0 && ttl <= LATEST_TTL) {
      stored = Instant.ofEpochSecond(ttl).minus(SHORTEST_TIME_TO_LIVE);
      versionAttribute = DynamoDbItems.TTL;
      version = item.get(DynamoDbItems.TTL);
    } else {
      return null; // neither (or a ttl past any instant): not written by the store
    }
    long bytes = manifest ? 0 : data.b().asByteArrayUnsafe().length;
    Map<String, AttributeValue> key =
        Map.of(
            DynamoDbItems.PARTITION_KEY, AttributeValue.fromS(pk),
            DynamoDbItems.SORT_KEY, AttributeValue.fromS(sk));
    return new Candidate(
        pk + "|" + sk, stored, bytes, () -> delete(key, versionAttribute, version));
  }

  /** Deletes the item if it is still the one listed; false when it was written since. */
  private boolean delete(
      Map<String, AttributeValue> key, String versionAttribute, AttributeValue version) {
    Map<String, String> names = new HashMap<>();
    names.put("#v", versionAttribute);
    String condition = "#v = :v";
    if (!versionAttribute.equals(DynamoDbItems.CREATED)) {
      names.put("#c", DynamoDbItems.CREATED);
      condition += " AND attribute_not_exists(#c)";
    }
    DeleteItemRequest delete =
        DeleteItemRequest.builder()
            .tableName(table)
            .key(key)
            .conditionExpression(condition)
            .expressionAttributeNames(names)
            .expressionAttributeValues(Map.of(":v", version))
            .build();
    try {
      Futures.join(calls.deleteItem(delete), "DynamoDB DeleteItem");
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  private static Map<String, AttributeValue> itemKey(String token) {
    int bar = token.lastIndexOf('|');
    return Map.of(
        DynamoDbItems.PARTITION_KEY, AttributeValue.fromS(token.substring(0, bar)),
        DynamoDbItems.SORT_KEY, AttributeValue.fromS(token.substring(bar + 1)));
  }

  private static String string(AttributeValue value) {
    return value == null ? null : value.s();
  }

  /** A non-negative number attribute's value; -1 when absent or not one. */
  private static long number(AttributeValue value) {
    if (value == null || value.n() == null) {
      return -1;
    }
    try {
      long number = Long.parseLong(value.n());
      return number >= 0 ? number : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
