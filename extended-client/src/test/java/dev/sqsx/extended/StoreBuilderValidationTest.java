/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

class StoreBuilderValidationTest {

  private static final DynamoDbClient DYNAMODB =
      DynamoDbClient.builder()
          .region(Region.US_EAST_1)
          .credentialsProvider(AnonymousCredentialsProvider.create())
          .build();
  private static final S3Client S3 =
      S3Client.builder()
          .region(Region.US_EAST_1)
          .credentialsProvider(AnonymousCredentialsProvider.create())
          .build();

  @AfterAll
  static void close() {
    DYNAMODB.close();
    S3.close();
  }

  private static DynamoDbPayloadStore.Builder dynamo() {
    return DynamoDbPayloadStore.builder().dynamoDbClient(DYNAMODB).table("t");
  }

  @Test
  void dynamoDbStore_requiresAClientAndATable() {
    assertThatThrownBy(() -> DynamoDbPayloadStore.builder().table("t").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "dynamoDbClient or dynamoDbAsyncClient must be set: the store needs a client to reach"
                + " DynamoDB");
    assertThatThrownBy(() -> DynamoDbPayloadStore.builder().dynamoDbClient(DYNAMODB).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("table must be set: it is where payloads are written, was 'null'");
  }

  @Test
  void dynamoDbStore_limitsOutOfRange_nameTheRule() {
    assertThatThrownBy(() -> dynamo().maxPayloadSize(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "maxPayloadSize must be 1..67108864 (64 MiB; larger payloads belong in S3), was 0");
    assertThatThrownBy(() -> dynamo().chunkSize(400_000).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "chunkSize must be 1..390000 (a DynamoDB item holds at most 400 KB), was 400000");
    assertThatThrownBy(() -> dynamo().timeToLive(Duration.ofSeconds(30)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "timeToLive must be at least PT1M (items must outlive their messages), was PT30S");
  }

  @Test
  void dynamoDbStore_allowsItsOwnAndListedTablesOnly() {
    DynamoDbPayloadStore store = dynamo().allowedTables(java.util.Set.of("old")).build();

    assertThat(store.allows(PayloadPointer.dynamoDb("t", "k"))).isTrue();
    assertThat(store.allows(PayloadPointer.dynamoDb("old", "k"))).isTrue();
    assertThat(store.allows(PayloadPointer.dynamoDb("other", "k"))).isFalse();
    assertThat(store.allows(PayloadPointer.s3("t", "k"))).isFalse();
  }

  @Test
  void tieredStore_needsAnOtherwiseTierLastAndGrowingLimits() {
    PayloadStore s3 = S3PayloadStore.builder().s3Client(S3).bucket("b").build();

    assertThatThrownBy(() -> TieredPayloadStore.builder().tier(10, s3).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("otherwise(store) must be set last: every payload needs a tier that takes it");
    assertThatThrownBy(() -> TieredPayloadStore.builder().tier(10, s3).tier(5, s3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "tier limits must grow (each tier takes what the earlier ones did not), was 5 after 10");
  }

  @Test
  void tieredStore_routesPointersToTheStoreThatAllowsThem() {
    PayloadStore s3 = S3PayloadStore.builder().s3Client(S3).bucket("b").build();
    TieredPayloadStore tiered =
        TieredPayloadStore.builder().tier(100, dynamo().build()).otherwise(s3).build();

    assertThat(tiered.allows(PayloadPointer.s3("b", "k"))).isTrue();
    assertThat(tiered.allows(PayloadPointer.dynamoDb("t", "k"))).isTrue();
    assertThatThrownBy(() -> tiered.read(PayloadPointer.s3("elsewhere", "k")))
        .isInstanceOf(PayloadNotAllowedException.class)
        .hasMessageStartingWith("pointer names a container none of the tiered stores allows");
  }
}
