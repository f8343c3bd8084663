package dev.sqsx.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** The store contract against DynamoDB Local, plus the table layout. */
@LocalAws
class DynamoDbIdempotencyStoreIT extends IdempotencyStoreContract {

  private DynamoDbClient dynamoDb;
  private String table;
  private IdempotencyStore store;

  @BeforeEach
  void createTable(DynamoDbClient dynamoDb, AwsResources aws) {
    this.dynamoDb = dynamoDb;
    this.table = aws.uniqueName("idempotency");
    DynamoDbIdempotencyStore.createTable(dynamoDb, table);
    this.store = DynamoDbIdempotencyStore.create(dynamoDb, table, clock);
  }

  @AfterEach
  void deleteTable() {
    dynamoDb.deleteTable(r -> r.tableName(table));
  }

  @Override
  IdempotencyStore store() {
    return store;
  }

  @Test
  void record_usesOneTimeUnitPerAttribute_andTtlIsEnabled() {
    String key = key();
    IdempotencyRecord held = store.claim(claim(key, "h")).record();

    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                r ->
                    r.tableName(table)
                        .key(Map.of("id", AttributeValue.fromS(key)))
                        .consistentRead(true))
            .item();

    long leaseUntil = Long.parseLong(item.get("leaseUntil").n());
    long expiresAt = Long.parseLong(item.get("expiresAt").n());
    assertThat(leaseUntil)
        .as("epoch millis")
        .isEqualTo(held.leaseUntilMillis())
        .isGreaterThan(clock.millis());
    assertThat(expiresAt)
        .as("epoch seconds")
        .isBetween(clock.millis() / 1000 + 3590, clock.millis() / 1000 + 3601);
    assertThat(item.get("status").s()).isEqualTo("IN_PROGRESS");
    assertThat(item.get("version").n()).isEqualTo("1");
    assertThat(
            dynamoDb
                .describeTimeToLive(r -> r.tableName(table))
                .timeToLiveDescription()
                .timeToLiveStatus())
        .isEqualTo(TimeToLiveStatus.ENABLED);
  }
}
