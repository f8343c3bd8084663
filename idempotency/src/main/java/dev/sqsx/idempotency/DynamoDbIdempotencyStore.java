/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

import dev.sqsx.idempotency.IdempotencyRecord.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * An {@link IdempotencyStore} on a DynamoDB table, shared by every process.
 *
 * <p>A claim is one conditional write — an {@code UpdateItem} (so the fencing version increments
 * atomically) whose condition is: the key is absent, or its record expired, or it is in progress
 * with an expired lease — with {@code ReturnValuesOnConditionCheckFailure=ALL_OLD}, so a conflict
 * needs no second read on DynamoDB. A compatible store that returns no item on a failed condition
 * (dynalite) costs one consistent {@code GetItem} per conflict; a record found claimable by then is
 * claimed again (up to three times). Complete, release and renew are conditional on owner token and
 * version. Expiry is checked in the condition as well as by TTL (whose deletions can lag by up to
 * 48 h).
 *
 * <p>Table: partition key {@code id} (S). Attributes: {@code status} (S), {@code owner} (S), {@code
 * version} (N), {@code leaseUntil} (N, epoch <b>milliseconds</b>), {@code expiresAt} (N, epoch
 * <b>seconds</b>, the TTL attribute), {@code payloadHash} (S), {@code result} (S). One write per
 * first-time message to claim and one to complete; one (failing, conditional) write per duplicate.
 * Thread-safe; the client is not closed.
 */
public final class DynamoDbIdempotencyStore implements IdempotencyStore {

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbIdempotencyStore.class);

  /** Partition key attribute. */
  public static final String KEY = "id";

  /** TTL attribute, epoch seconds. */
  public static final String EXPIRES_AT = "expiresAt";

  private static final String STATUS = "status";
  private static final String OWNER = "owner";
  private static final String VERSION = "version";
  private static final String LEASE_UNTIL = "leaseUntil";
  private static final String PAYLOAD_HASH = "payloadHash";
  private static final String RESULT = "result";

  /** Claims whose condition failed on a record that was claimable when read back, in a row. */
  private static final int CLAIM_ATTEMPTS = 3;

  private final DynamoDbClient dynamoDb;
  private final String table;
  private final Clock clock;

  private DynamoDbIdempotencyStore(DynamoDbClient dynamoDb, String table, Clock clock) {
    this.dynamoDb = dynamoDb;
    this.table = table;
    this.clock = clock;
  }

  /** A store on the table, with the system clock. */
  public static DynamoDbIdempotencyStore create(DynamoDbClient dynamoDb, String table) {
    return create(dynamoDb, table, Clock.systemUTC());
  }

  /** A store on the table, with the given clock (for tests of leases and expiry). */
  public static DynamoDbIdempotencyStore create(
      DynamoDbClient dynamoDb, String table, Clock clock) {
    Objects.requireNonNull(dynamoDb, "dynamoDb cannot be null");
    Objects.requireNonNull(clock, "clock cannot be null");
    if (table == null || table.isBlank()) {
      throw new IllegalArgumentException("table must be set, was '" + table + "'");
    }
    return new DynamoDbIdempotencyStore(dynamoDb, table, clock);
  }

  /**
   * Creates a table with the store's key schema (on-demand), waits until it is active and enables
   * TTL on {@code expiresAt}. For tests, demos and users who want it; the store does not call it.
   *
   * @return whether TTL is enabled; false (with a warning logged) where the endpoint does not
   *     implement {@code UpdateTimeToLive}, such as dynalite: enable it by hand there (expiry is
   *     still honoured on every claim, but expired records stay in the table)
   */
  public static boolean createTable(DynamoDbClient dynamoDb, String table) {
    dynamoDb.createTable(
        r ->
            r.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                    AttributeDefinition.builder()
                        .attributeName(KEY)
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .keySchema(
                    KeySchemaElement.builder().attributeName(KEY).keyType(KeyType.HASH).build()));
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
    return enableTimeToLive(dynamoDb, table, EXPIRES_AT);
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

  @Override
  public ClaimResult claim(ClaimRequest request) {
    for (int attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
      ClaimResult result = attemptClaim(request);
      if (result != null) {
        return result;
      }
    }
    throw new IdempotencyException(
        "claim of "
            + request.key()
            + " in "
            + table
            + " failed its condition "
            + CLAIM_ATTEMPTS
            + " times, each time on a record that could be claimed when read back");
  }

  /**
   * One conditional claim. Null when its condition failed on a record that is claimable by the time
   * it is read back (released, expired or its lease run out in between): the caller tries again.
   */
  private ClaimResult attemptClaim(ClaimRequest request) {
    long now = clock.millis();
    Map<String, String> names = new HashMap<>();
    names.put("#k", KEY);
    names.put("#st", STATUS);
    names.put("#own", OWNER);
    names.put("#ver", VERSION);
    names.put("#lease", LEASE_UNTIL);
    names.put("#exp", EXPIRES_AT);
    names.put("#res", RESULT);
    names.put("#hash", PAYLOAD_HASH);
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":inProgress", AttributeValue.fromS(Status.IN_PROGRESS.name()));
    values.put(":owner", AttributeValue.fromS(request.ownerToken()));
    values.put(":zero", AttributeValue.fromN("0"));
    values.put(":one", AttributeValue.fromN("1"));
    values.put(":leaseUntil", number(now + request.lease().toMillis()));
    values.put(":expiresAt", number((now + request.timeToLive().toMillis()) / 1000));
    values.put(":nowMillis", number(now));
    values.put(":nowSeconds", number(now / 1000));
    String update =
        "SET #st = :inProgress, #own = :owner, #ver = if_not_exists(#ver, :zero) + :one,"
            + " #lease = :leaseUntil, #exp = :expiresAt";
    if (request.payloadHash() != null) {
      values.put(":hash", AttributeValue.fromS(request.payloadHash()));
      update += ", #hash = :hash REMOVE #res";
    } else {
      update += " REMOVE #res, #hash";
    }
    String updateExpression = update;
    try {
      UpdateItemResponse response =
          dynamoDb.updateItem(
              r ->
                  r.tableName(table)
                      .key(Map.of(KEY, AttributeValue.fromS(request.key())))
                      .updateExpression(updateExpression)
                      .conditionExpression(
                          "attribute_not_exists(#k)"
                              + " OR (#st = :inProgress AND #lease <= :nowMillis)"
                              + " OR (#st <> :inProgress AND #exp <= :nowSeconds)")
                      .expressionAttributeNames(names)
                      .expressionAttributeValues(values)
                      .returnValues(ReturnValue.ALL_OLD)
                      .returnValuesOnConditionCheckFailure(
                          ReturnValuesOnConditionCheckFailure.ALL_OLD));
      IdempotencyRecord previous =
          response.hasAttributes() && !response.attributes().isEmpty()
              ? record(response.attributes())
              : null;
      IdempotencyRecord claimed =
          new IdempotencyRecord(
              request.key(),
              Status.IN_PROGRESS,
              request.ownerToken(),
              previous == null ? 1 : previous.version() + 1,
              now + request.lease().toMillis(),
              (now + request.timeToLive().toMillis()) / 1000,
              request.payloadHash(),
              null);
      boolean takeover = previous != null && previous.status() == Status.IN_PROGRESS;
      return new ClaimResult.Acquired(claimed, takeover);
    } catch (ConditionalCheckFailedException e) {
      // DynamoDB returns the record that failed the condition; compatible stores that ignore
      // ReturnValuesOnConditionCheckFailure (dynalite) return none: read it then.
      IdempotencyRecord current =
          e.hasItem() && !e.item().isEmpty() ? record(e.item()) : read(request.key());
      long readAt = clock.millis();
      if (current == null || current.claimable(readAt)) {
        return null;
      }
      return ClaimOutcomes.conflicting(current, request);
    } catch (SdkException e) {
      throw new IdempotencyException(
          "cannot claim idempotency key " + request.key() + " in " + table, e);
    }
  }

  /** The record under a key, read consistently; null when there is none. */
  private IdempotencyRecord read(String key) {
    try {
      Map<String, AttributeValue> item =
          dynamoDb
              .getItem(
                  r ->
                      r.tableName(table)
                          .key(Map.of(KEY, AttributeValue.fromS(key)))
                          .consistentRead(true))
              .item();
      return item == null || item.isEmpty() ? null : record(item);
    } catch (SdkException e) {
      throw new IdempotencyException(
          "cannot read idempotency key " + key + " in " + table + " after a failed claim", e);
    }
  }

  @Override
  public boolean complete(IdempotencyRecord held, String result) {
    Map<String, String> names = new HashMap<>(heldNames());
    names.put("#lease", LEASE_UNTIL);
    Map<String, AttributeValue> values = new HashMap<>(heldValues(held));
    values.remove(":inProgress");
    values.put(":completed", AttributeValue.fromS(Status.COMPLETED.name()));
    String update = "SET #st = :completed REMOVE #lease";
    if (result != null) {
      names.put("#res", RESULT);
      values.put(":result", AttributeValue.fromS(result));
      update = "SET #st = :completed, #res = :result REMOVE #lease";
    }
    String expression = update;
    return conditional(
        held,
        () ->
            dynamoDb.updateItem(
                r ->
                    r.tableName(table)
                        .key(Map.of(KEY, AttributeValue.fromS(held.key())))
                        .updateExpression(expression)
                        .conditionExpression(CLAIMED_BY_CALLER)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)));
  }

  @Override
  public boolean release(IdempotencyRecord held) {
    return conditional(
        held,
        () ->
            dynamoDb.deleteItem(
                r ->
                    r.tableName(table)
                        .key(Map.of(KEY, AttributeValue.fromS(held.key())))
                        .conditionExpression("attribute_not_exists(#own) OR (" + HELD + ")")
                        .expressionAttributeNames(heldNames())
                        .expressionAttributeValues(heldValues(held))));
  }

  @Override
  public boolean renew(IdempotencyRecord held, long leaseUntilMillis) {
    Map<String, String> names = new HashMap<>(heldNames());
    names.put("#lease", LEASE_UNTIL);
    names.put("#exp", EXPIRES_AT);
    Map<String, AttributeValue> values = new HashMap<>(heldValues(held));
    values.put(":leaseUntil", number(leaseUntilMillis));
    values.put(":expiresAt", number(held.expiryForLeaseUntil(leaseUntilMillis)));
    return conditional(
        held,
        () ->
            dynamoDb.updateItem(
                r ->
                    r.tableName(table)
                        .key(Map.of(KEY, AttributeValue.fromS(held.key())))
                        .updateExpression("SET #lease = :leaseUntil, #exp = :expiresAt")
                        .conditionExpression(HELD)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)));
  }

  private static final String HELD = "#st = :inProgress AND #own = :owner AND #ver = :version";

  /** This claim's record, in progress or already completed by it (a retried complete). */
  private static final String CLAIMED_BY_CALLER = "#own = :owner AND #ver = :version";

  private static Map<String, String> heldNames() {
    return Map.of("#st", STATUS, "#own", OWNER, "#ver", VERSION);
  }

  private static Map<String, AttributeValue> heldValues(IdempotencyRecord held) {
    return Map.of(
        ":inProgress", AttributeValue.fromS(Status.IN_PROGRESS.name()),
        ":owner", AttributeValue.fromS(held.ownerToken()),
        ":version", number(held.version()));
  }

  private boolean conditional(IdempotencyRecord held, Runnable write) {
    try {
      write.run();
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    } catch (SdkException e) {
      throw new IdempotencyException(
          "cannot update idempotency key " + held.key() + " in " + table, e);
    }
  }

  private static IdempotencyRecord record(Map<String, AttributeValue> item) {
    return new IdempotencyRecord(
        item.get(KEY).s(),
        Status.valueOf(item.get(STATUS).s()),
        text(item, OWNER),
        longOf(item, VERSION),
        longOf(item, LEASE_UNTIL),
        longOf(item, EXPIRES_AT),
        text(item, PAYLOAD_HASH),
        text(item, RESULT));
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }

  private static long longOf(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
  }

  private static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
