/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static dev.sqsx.extended.ExtendedClientBehaviour.receiveOne;
import static dev.sqsx.extended.ExtendedClientBehaviour.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sqsx.extended.internal.PointerCodec;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.EndpointFeature;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.RequiresEndpointFeature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

@LocalAws
class DynamoDbPayloadStoreIT {

  private static final int KB = 1024;

  private DynamoDbClient dynamoDb;
  private String table;
  private boolean ttlEnabled;
  private boolean endpointHasTtl;
  private final List<PayloadResolutionFailure> failures = new CopyOnWriteArrayList<>();

  @BeforeEach
  void createTable(DynamoDbClient dynamoDb, AwsEndpoints endpoints, AwsResources aws) {
    this.dynamoDb = dynamoDb;
    this.table = aws.uniqueName("payloads");
    this.ttlEnabled = DynamoDbPayloadStore.createTable(dynamoDb, table);
    this.endpointHasTtl = endpoints.supports(EndpointFeature.DYNAMODB_TIME_TO_LIVE);
  }

  @AfterEach
  void deleteTable() {
    dynamoDb.deleteTable(r -> r.tableName(table));
  }

  private DynamoDbPayloadStore.Builder store() {
    return DynamoDbPayloadStore.builder().dynamoDbClient(dynamoDb).table(table);
  }

  @ParameterizedTest(name = "{0} KB, async {1}")
  @CsvSource({"300,false", "1024,false", "3072,false", "300,true", "1024,true", "3072,true"})
  void roundTrip_throughTheExtendedClient_isByteIdenticalAndDeleteRemovesEveryItem(
      int kilobytes,
      boolean async,
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      DynamoDbAsyncClient dynamoDbAsync,
      AwsResources aws) {
    String queueUrl = aws.createQueue();
    SqsClient client =
        async
            ? new BlockingSqsClient(
                SqsExtendedAsyncClient.builder()
                    .sqsClient(sqsAsync)
                    .payloadStore(
                        DynamoDbPayloadStore.builder()
                            .dynamoDbAsyncClient(dynamoDbAsync)
                            .table(table)
                            .build())
                    .build())
            : SqsExtendedClient.builder().sqsClient(sqs).payloadStore(store().build()).build();
    String body = text(kilobytes * KB, kilobytes) + "é€";

    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    Message raw = ExtendedClientBehaviour.receiveOne(sqs, queueUrl);
    sqs.changeMessageVisibility(
        r -> r.queueUrl(queueUrl).receiptHandle(raw.receiptHandle()).visibilityTimeout(0));
    Message received = receiveOne(client, queueUrl);

    assertThat(PointerCodec.read(raw.body()).kind()).isEqualTo(PayloadPointer.Kind.DYNAMODB);
    assertThat(raw.body())
        .startsWith(
            "[\"dev.sqsx.PayloadDynamoDbPointer\",{\"tableName\":\"" + table + "\",\"key\":\"");
    assertThat(raw.messageAttributes().get("ExtendedPayloadSize").stringValue())
        .isEqualTo(Integer.toString(kilobytes * KB + 5));
    assertThat(received.body()).isEqualTo(body);
    assertThat(received.receiptHandle())
        .startsWith("-..dynamoDbTable..-" + table + "-..dynamoDbTable..-");
    int chunks =
        (kilobytes * KB + 5 + DynamoDbPayloadStore.DEFAULT_CHUNK_SIZE - 1)
            / DynamoDbPayloadStore.DEFAULT_CHUNK_SIZE;
    assertThat(sortKeys()).hasSize(chunks + 1).contains("manifest", "chunk#00000");

    client.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(received.receiptHandle()));

    assertThat(sortKeys()).isEmpty();
  }

  @Test
  void payloadAboveMaxPayloadSize_failsTheSendNamingSizeAndLimit_andLeavesNoItem(
      SqsClient sqs, AwsResources aws) {
    String queueUrl = aws.createQueue();
    SqsClient client =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(store().maxPayloadSize(1024 * KB).build())
            .build();

    assertThatThrownBy(
            () -> client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(text(1536 * KB, 1))))
        .isInstanceOf(ExtendedClientException.class)
        .hasMessageContaining(
            "payload is 1572864 bytes, above the DynamoDB store's maxPayloadSize of 1048576 bytes");
    assertThat(sortKeys()).isEmpty();
    assertThat(sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1)).messages())
        .isEmpty();
  }

  @Test
  void crashBeforeTheManifest_leavesNoReadablePartialPayload(AwsEndpoints endpoints) {
    AtomicBoolean crashed = new AtomicBoolean();
    ExecutionInterceptor crashAtManifest =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (crashed.get() || context.request() instanceof PutItemRequest) {
              crashed.set(true); // the process "dies": this call and every later one fail
              throw new IllegalStateException("simulated crash");
            }
          }
        };
    try (DynamoDbClient crashing =
        endpoints
            .configure(DynamoDbClient.builder(), endpoints.dynamoDbEndpoint())
            .overrideConfiguration(c -> c.addExecutionInterceptor(crashAtManifest))
            .build()) {
      DynamoDbPayloadStore dying =
          DynamoDbPayloadStore.builder().dynamoDbClient(crashing).table(table).build();

      ExtendedClientException error =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              ExtendedClientException.class, () -> dying.store(text(1024 * KB, 2)));

      PayloadPointer pointer = error.pointer().orElseThrow();
      assertThat(sortKeys())
          .as("the chunks written before the crash are still there, but no manifest")
          .containsExactly("chunk#00000", "chunk#00001", "chunk#00002");
      assertThat(items()).allSatisfy(item -> assertThat(item).containsKey("ttl"));
      assertThatThrownBy(() -> store().build().read(pointer))
          .isInstanceOf(PayloadNotFoundException.class)
          .hasMessageStartingWith("payload not found in DynamoDB (no manifest item)");
    }
  }

  @Test
  void everyItem_carriesAFutureTtl_andCreateTableEnablesTtlWhereTheEndpointCan() {
    DynamoDbPayloadStore store = store().build();
    long before = Instant.now().getEpochSecond();

    store.store(text(800 * KB, 3));

    List<Map<String, AttributeValue>> items = items();
    assertThat(items).hasSize(4);
    for (Map<String, AttributeValue> item : items) {
      // 29 days: 14 in the source queue + 14 in the DLQ (a dead letter's retention starts anew)
      long ttl = Long.parseLong(item.get("ttl").n());
      assertThat(ttl)
          .isBetween(
              before + Duration.ofDays(29).toSeconds() - 5,
              before + Duration.ofDays(29).toSeconds() + 60);
    }
    assertThat(ttlEnabled).as("createTable's answer").isEqualTo(endpointHasTtl);
    if (ttlEnabled) {
      assertThat(dynamoDb.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription())
          .satisfies(
              d -> {
                assertThat(d.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
                assertThat(d.attributeName()).isEqualTo("ttl");
              });
    } else {
      assertThat(
              dynamoDb
                  .describeTimeToLive(r -> r.tableName(table))
                  .timeToLiveDescription()
                  .timeToLiveStatus())
          .as("dynalite: the table was created and TTL left off (a warning says so)")
          .isEqualTo(TimeToLiveStatus.DISABLED);
    }
  }

  @Test
  @RequiresEndpointFeature(EndpointFeature.DYNAMODB_TIME_TO_LIVE)
  void expiredItems_areRemovedByTheTtlSweeper() {
    Clock longAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(16)), ZoneOffset.UTC);
    PayloadPointer pointer = store().clock(longAgo).build().store(text(500 * KB, 4));
    assertThat(sortKeys()).hasSize(3);

    await().atMost(Duration.ofSeconds(30)).until(() -> items().isEmpty());

    assertThatThrownBy(() -> store().build().read(pointer))
        .isInstanceOf(PayloadNotFoundException.class);
  }

  @Test
  void tamperedChunk_isDetected_andTheMessageIsNotReturned(SqsClient sqs, AwsResources aws) {
    String queueUrl = aws.createQueue();
    SqsClient client =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(store().build())
            .resolutionListener(failures::add)
            .build();
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(text(700 * KB, 5)));
    Map<String, AttributeValue> chunk =
        items().stream()
            .filter(i -> i.get("sk").s().equals("chunk#00001"))
            .findFirst()
            .orElseThrow();
    byte[] tampered = chunk.get("data").b().asByteArray();
    tampered[100] ^= 1;
    Map<String, AttributeValue> changed = new java.util.HashMap<>(chunk);
    changed.put("data", AttributeValue.fromB(SdkBytes.fromByteArray(tampered)));
    dynamoDb.putItem(r -> r.tableName(table).item(changed));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              assertThat(
                      client
                          .receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1))
                          .messages())
                  .isEmpty();
              return !failures.isEmpty();
            });

    assertThat(failures.get(0).error())
        .isInstanceOf(PayloadIntegrityException.class)
        .hasMessageContaining("does not match the SHA-256 recorded when it was stored");
    assertThat(failures.get(0).retryable()).isFalse();
    assertThat(failures.get(0).deleted()).isFalse();
  }

  @Test
  void tieredStore_oneClientReceivesBothS3AndDynamoDbPointers(
      SqsClient sqs, S3Client s3, AwsResources aws) {
    String queueUrl = aws.createQueue();
    String bucket = aws.createBucket();
    S3PayloadStore s3Store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
    SqsClient client =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(
                TieredPayloadStore.builder()
                    .tier(1024 * KB, store().build())
                    .otherwise(s3Store)
                    .build())
            .build();
    String small = text(300 * KB, 6);
    String large = text(2048 * KB, 7);

    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(small));
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(large));
    List<Message> received = ExtendedClientBehaviour.receiveAll(client, queueUrl, 2);

    assertThat(received).extracting(Message::body).containsExactlyInAnyOrder(small, large);
    assertThat(received)
        .extracting(m -> m.receiptHandle().substring(0, 6))
        .containsExactlyInAnyOrder("-..s3B", "-..dyn");
    List<Message> deleted = new ArrayList<>(received);
    deleted.forEach(
        m -> client.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));
    assertThat(sortKeys()).isEmpty();
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
  }

  @Test
  void pointerToATableNotAllowed_isRefusedWithoutReadingIt() {
    DynamoDbPayloadStore store = store().build();

    assertThatThrownBy(() -> store.read(PayloadPointer.dynamoDb("someone-elses-table", "k")))
        .isInstanceOf(PayloadNotAllowedException.class)
        .hasMessageStartingWith("pointer names table 'someone-elses-table', which is not allowed");
    assertThatThrownBy(() -> store.delete(PayloadPointer.s3("bucket", "k")))
        .isInstanceOf(PayloadNotAllowedException.class);
  }

  @Test
  void keyPrefix_isWrittenAndEnforced_onReadAndDelete(DynamoDbAsyncClient async) {
    DynamoDbPayloadStore store = store().keyPrefix("orders/").build();
    PayloadPointer own = store.store(text(10 * KB, 21));
    PayloadPointer foreign = store().build().store(text(10 * KB, 22));

    assertThat(own.key()).matches("orders/[0-9a-f-]{36}");
    assertThat(store.read(own)).isEqualTo(text(10 * KB, 21));
    assertThat(store.allows(foreign)).isFalse();
    assertThatThrownBy(() -> store.read(foreign))
        .isInstanceOf(PayloadNotAllowedException.class)
        .hasMessageStartingWith("pointer names a key outside the store's key prefix 'orders/'");
    assertThatThrownBy(() -> store.delete(foreign)).isInstanceOf(PayloadNotAllowedException.class);
    assertThat(store().build().read(foreign)).as("untouched").isEqualTo(text(10 * KB, 22));
    DynamoDbPayloadStore asyncStore =
        DynamoDbPayloadStore.builder()
            .dynamoDbAsyncClient(async)
            .table(table)
            .keyPrefix("orders/")
            .build();
    assertThatThrownBy(() -> asyncStore.readAsync(foreign).join())
        .hasCauseInstanceOf(PayloadNotAllowedException.class);
    assertThat(store().keyPrefix("orders/").enforceKeyPrefix(false).build().read(foreign))
        .isEqualTo(text(10 * KB, 22));
  }

  @Test
  void payloadOverMaxPayloadSize_isRefusedFromItsManifest_syncAndAsync(DynamoDbAsyncClient async) {
    PayloadPointer pointer = store().build().store(text(800 * KB, 23));
    DynamoDbPayloadStore limited = store().maxPayloadSize(100 * KB).build();
    DynamoDbPayloadStore limitedAsync =
        DynamoDbPayloadStore.builder()
            .dynamoDbAsyncClient(async)
            .table(table)
            .maxPayloadSize(100 * KB)
            .build();

    assertThatThrownBy(() -> limited.read(pointer))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageStartingWith(
            "payload in DynamoDB has 819200 bytes (its manifest says), above the store's"
                + " maxPayloadSize of 102400 bytes");
    assertThatThrownBy(() -> limitedAsync.readAsync(pointer).join())
        .hasCauseInstanceOf(PayloadTooLargeException.class);
    assertThat(store().build().read(pointer)).as("untouched").hasSize(800 * KB);
  }

  /**
   * A capped read answers from the manifest: what fits is read as {@code readUtf8} reads it; a
   * larger payload answers empty; failures are those of {@code readUtf8}.
   */
  @Test
  void readUtf8IfAtMost_readsWhatFits_andALargerPayloadAnswersEmpty_syncAndAsync(
      DynamoDbAsyncClient async) {
    String smallText = text(10 * KB, 5);
    PayloadPointer small = store().build().store(smallText);
    PayloadPointer large = store().build().store(text(1_500 * KB, 7));
    PayloadPointer huge = store().build().store(text(800 * KB, 9));
    for (DynamoDbPayloadStore reader :
        List.of(
            store().build(),
            DynamoDbPayloadStore.builder().dynamoDbAsyncClient(async).table(table).build())) {
      assertThat(reader.readUtf8IfAtMost(small, 10 * KB))
          .hasValueSatisfying(
              bytes ->
                  assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8))
                      .isEqualTo(smallText));
      assertThat(reader.readUtf8IfAtMost(small, 10 * KB - 1)).isEmpty();
      assertThat(reader.readUtf8IfAtMost(large, 1_048_576)).isEmpty();
      assertThat(reader.readUtf8IfAtMost(large, 2_000_000))
          .hasValueSatisfying(bytes -> assertThat(bytes).hasSize(1_500 * KB));
      assertThatThrownBy(
              () ->
                  reader.readUtf8IfAtMost(PayloadPointer.dynamoDb(table, "no-such-key"), 1_048_576))
          .isInstanceOf(PayloadNotFoundException.class);
      assertThatThrownBy(
              () -> reader.readUtf8IfAtMost(PayloadPointer.dynamoDb("foreign", "key"), 1_048_576))
          .isInstanceOf(PayloadNotAllowedException.class);
    }
    PayloadStore tiered = TieredPayloadStore.builder().otherwise(store().build()).build();
    assertThat(tiered.readUtf8IfAtMost(small, 10 * KB))
        .as("tiered: the store's answer")
        .isPresent();
    assertThat(tiered.readUtf8IfAtMost(large, 1_048_576)).isEmpty();
    assertThatThrownBy(
            () -> store().maxPayloadSize(100 * KB).build().readUtf8IfAtMost(huge, 1_048_576))
        .as("over maxPayloadSize is a refusal, not an empty answer")
        .isInstanceOf(PayloadTooLargeException.class);
  }

  /** Every item of the table (the scan pages at 1 MB, so follow the pages). */
  private List<Map<String, AttributeValue>> items() {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    dynamoDb
        .scanPaginator(r -> r.tableName(table).consistentRead(true))
        .items()
        .forEach(items::add);
    return items;
  }

  /** The sort keys of every item, for readable assertions. */
  private List<String> sortKeys() {
    return items().stream().map(item -> item.get("sk").s()).sorted().toList();
  }
}
