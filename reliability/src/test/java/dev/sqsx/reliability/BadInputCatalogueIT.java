/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sqsx.consumer.ConsumerException;
import dev.sqsx.consumer.PayloadFailureBridge;
import dev.sqsx.consumer.RetryPolicy;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.consumer.SqsConsumerBuilder;
import dev.sqsx.extended.DynamoDbPayloadStore;
import dev.sqsx.extended.PayloadPointer;
import dev.sqsx.extended.PayloadStore;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.extended.TieredPayloadStore;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchEntryIdsNotDistinctException;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.InvalidAttributeValueException;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiptHandleIsInvalidException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Bad input, one test per entry of RELIABILITY.md's catalogue, each with its expected outcome: a
 * clear error or the DLQ with the reason, nothing lost, no foreign object touched.
 */
@LocalAws
class BadInputCatalogueIT {

  private static final int KB = 1024;
  private static final int MIB = 1024 * KB;

  private SqsClient sqs;
  private SqsAsyncClient sqsAsync;
  private S3Client s3;
  private S3AsyncClient s3Async;
  private DynamoDbClient dynamoDb;
  private DynamoDbAsyncClient dynamoDbAsync;
  private AwsResources aws;
  private String bucket;
  private String table;

  @BeforeEach
  void setUp(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      DynamoDbClient dynamoDb,
      DynamoDbAsyncClient dynamoDbAsync,
      AwsResources aws) {
    this.sqs = sqs;
    this.sqsAsync = sqsAsync;
    this.s3 = s3;
    this.s3Async = s3Async;
    this.dynamoDb = dynamoDb;
    this.dynamoDbAsync = dynamoDbAsync;
    this.aws = aws;
    this.bucket = aws.createBucket();
    this.table = aws.uniqueName("payloads");
    DynamoDbPayloadStore.createTable(dynamoDb, table);
  }

  // ---- what a consumer receives ----------------------------------------------------------------

  @Test
  void malformedPointerJson_isDeadLetteredWithItsBodyIntact_andNeverHandled() {
    String body = "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":";

    Message dead = deadLettered(body, marker("Number", "1000"), 3);

    assertThat(dead.body()).isEqualTo(body);
    assertThat(errorClass(dead)).endsWith("MalformedPointerException");
  }

  @Test
  void pointerWithAnUnknownClassName_isDeadLettered() {
    String body = "[\"com.example.Evil\",{\"s3BucketName\":\"" + bucket + "\",\"s3Key\":\"k\"}]";

    Message dead = deadLettered(body, marker("Number", "1000"), 3);

    assertThat(errorClass(dead)).endsWith("MalformedPointerException");
    assertThat(errorMessage(dead)).contains("com.example.Evil");
  }

  @Test
  void pointerToABucketNotAllowed_isDeadLettered_andTheForeignObjectIsUntouched() {
    String foreign = aws.createBucket();
    s3.putObject(r -> r.bucket(foreign).key("secret"), RequestBody.fromString("do not read"));
    String body =
        "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\""
            + foreign
            + "\",\"s3Key\":\"secret\"}]";

    Message dead = deadLettered(body, marker("Number", "11"), 3);

    assertThat(errorClass(dead)).endsWith("PayloadNotAllowedException");
    assertThat(dead.messageAttributes().get("sqsx.Attempts").stringValue()).isEqualTo("1");
    assertThat(s3.getObjectAsBytes(r -> r.bucket(foreign).key("secret")).asUtf8String())
        .isEqualTo("do not read");
  }

  @Test
  void pointerToATableNotAllowed_isDeadLettered_andTheForeignItemIsUntouched() {
    String foreignTable = aws.uniqueName("foreign");
    DynamoDbPayloadStore.createTable(dynamoDb, foreignTable);
    DynamoDbPayloadStore foreignStore =
        DynamoDbPayloadStore.builder().dynamoDbClient(dynamoDb).table(foreignTable).build();
    PayloadPointer stored = foreignStore.store("x".repeat(300 * KB));
    String body =
        "[\"dev.sqsx.PayloadDynamoDbPointer\",{\"tableName\":\""
            + foreignTable
            + "\",\"key\":\""
            + stored.key()
            + "\"}]";
    try {
      Message dead = deadLettered(body, marker("Number", Integer.toString(300 * KB)), 3);

      assertThat(errorClass(dead)).endsWith("PayloadNotAllowedException");
      assertThat(foreignStore.read(stored)).hasSize(300 * KB);
    } finally {
      dynamoDb.deleteTable(r -> r.tableName(foreignTable));
    }
  }

  @Test
  void pointerOutsideTheKeyPrefix_isDeadLettered_andTheObjectIsUntouched() {
    s3.putObject(r -> r.bucket(bucket).key("private/secret"), RequestBody.fromString("keep out"));
    String body = s3Pointer(bucket, "private/secret");
    PayloadStore prefixed =
        S3PayloadStore.builder()
            .s3AsyncClient(s3Async)
            .bucket(bucket)
            .keyPrefix("payloads/")
            .build();

    Message dead = deadLettered(body, marker("Number", "8"), 3, prefixed);

    assertThat(errorClass(dead)).endsWith("PayloadNotAllowedException");
    assertThat(errorMessage(dead)).contains("outside the store's key prefix 'payloads/'");
    assertThat(dead.messageAttributes().get("sqsx.Attempts").stringValue()).isEqualTo("1");
    assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("private/secret")).asUtf8String())
        .isEqualTo("keep out");
  }

  @Test
  void oversizedObjectInAnAllowedBucket_isDeadLetteredWithoutDownloading_andIsUntouched() {
    s3.putObject(r -> r.bucket(bucket).key("huge"), RequestBody.fromBytes(new byte[2 * MIB]));
    PayloadStore limited =
        S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).maxPayloadSize(MIB).build();

    Message dead = deadLettered(s3Pointer(bucket, "huge"), marker("Number", "10"), 3, limited);

    assertThat(errorClass(dead)).endsWith("PayloadTooLargeException");
    assertThat(errorMessage(dead))
        .contains(
            "payload object has 2097152 bytes, above the S3 store's maxPayloadSize of 1048576");
    assertThat(dead.messageAttributes().get("sqsx.Attempts").stringValue()).isEqualTo("1");
    assertThat(s3.headObject(r -> r.bucket(bucket).key("huge")).contentLength())
        .isEqualTo(2L * MIB);
  }

  @Test
  void receiptHandleWhoseKeyHoldsTheMarkers_deletesTheMessageAndTheRightPayload() {
    String queue = aws.createQueue();
    String key = "a-..s3Key..-b-..s3BucketName..-c";
    s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString("payload"));
    s3.putObject(r -> r.bucket(bucket).key("a"), RequestBody.fromString("bystander"));
    sqs.sendMessage(
        r ->
            r.queueUrl(queue)
                .messageBody(s3Pointer(bucket, key))
                .messageAttributes(marker("Number", "7")));
    SqsClient client = extended(true);

    Message received = receiveOne(client, queue);
    client.deleteMessage(r -> r.queueUrl(queue).receiptHandle(received.receiptHandle()));

    assertThat(received.body()).isEqualTo("payload");
    assertThat(aws.messagesIn(queue)).isZero();
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
        .extracting(o -> o.key())
        .containsExactly("a");
  }

  @Test
  void pointerToAMissingObject_isRetriedThenDeadLettered() {
    String body =
        "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\""
            + bucket
            + "\",\"s3Key\":\"never-written\"}]";

    Message dead = deadLettered(body, marker("Number", "10"), 2);

    assertThat(errorClass(dead)).endsWith("PayloadNotFoundException");
    assertThat(dead.messageAttributes().get("sqsx.Attempts").stringValue()).isEqualTo("2");
  }

  @Test
  void payloadWhoseChecksumDoesNotMatch_isDeadLettered_andNotHandled() {
    S3PayloadStore store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
    PayloadPointer pointer = store.store("y".repeat(300 * KB));
    var head = s3.headObject(r -> r.bucket(bucket).key(pointer.key()));
    s3.putObject(
        r -> r.bucket(bucket).key(pointer.key()).metadata(head.metadata()),
        RequestBody.fromString("z".repeat(300 * KB)));
    String body =
        "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\""
            + bucket
            + "\",\"s3Key\":\""
            + pointer.key()
            + "\"}]";

    Message dead = deadLettered(body, marker("Number", Integer.toString(300 * KB)), 3);

    assertThat(errorClass(dead)).endsWith("PayloadIntegrityException");
    assertThat(dead.messageAttributes().get("sqsx.Attempts").stringValue()).isEqualTo("1");
  }

  @Test
  void markerWithANonNumericValue_isRefusedBySqsAtSend() {
    String queue = aws.createQueue();

    assertThatThrownBy(
            () ->
                sqs.sendMessage(
                    r ->
                        r.queueUrl(queue)
                            .messageBody("plain")
                            .messageAttributes(marker("Number", "abc"))))
        .isInstanceOf(InvalidAttributeValueException.class)
        .hasMessageContaining("abc");
  }

  @Test
  void markerAsANonNumericString_onAPlainBody_isDeadLetteredAsMalformed() {
    Message dead = deadLettered("just text", marker("String", "abc"), 3);

    assertThat(dead.body()).isEqualTo("just text");
    assertThat(errorClass(dead)).endsWith("MalformedPointerException");
  }

  // ---- what a producer sends -------------------------------------------------------------------

  @Test
  void emptyBody_isRefusedNamingTheParameter_andNothingIsStored() {
    String queue = aws.createQueue();

    assertThatThrownBy(() -> extended(true).sendMessage(r -> r.queueUrl(queue).messageBody("")))
        .isInstanceOf(SqsException.class)
        .hasMessageContaining("MessageBody");
    assertThat(storedPayloads()).isZero();
  }

  @Test
  void bodyOverOneMebibyte_withOffloadingDisabled_isRefused_andNothingIsSent() {
    String queue = aws.createQueue();

    assertThatThrownBy(
            () ->
                extended(false)
                    .sendMessage(r -> r.queueUrl(queue).messageBody("x".repeat(1024 * KB + 1))))
        .isInstanceOf(InvalidAttributeValueException.class)
        .hasMessageContaining("MessageTooLong");
    assertThat(aws.messagesIn(queue)).isZero();
    assertThat(storedPayloads()).isZero();
  }

  @Test
  void batchOverTheSizeLimit_withOffloadingDisabled_isRefused_andNothingIsSent() {
    String queue = aws.createQueue();
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      entries.add(
          SendMessageBatchRequestEntry.builder()
              .id("e" + i)
              .messageBody("x".repeat(200 * KB))
              .build());
    }

    assertThatThrownBy(
            () -> extended(false).sendMessageBatch(r -> r.queueUrl(queue).entries(entries)))
        .isInstanceOf(InvalidAttributeValueException.class)
        .hasMessageContaining("MessageTooLong");
    assertThat(aws.messagesIn(queue)).isZero();
  }

  @Test
  void duplicateBatchEntryIds_areRefused_andThePayloadsStoredForThemAreRemoved() {
    String queue = aws.createQueue();

    assertThatThrownBy(
            () ->
                extended(true)
                    .sendMessageBatch(
                        r ->
                            r.queueUrl(queue)
                                .entries(
                                    SendMessageBatchRequestEntry.builder()
                                        .id("same")
                                        .messageBody("a".repeat(300 * KB))
                                        .build(),
                                    SendMessageBatchRequestEntry.builder()
                                        .id("same")
                                        .messageBody("b".repeat(300 * KB))
                                        .build())))
        .isInstanceOf(BatchEntryIdsNotDistinctException.class)
        .hasMessageContaining("'same'");
    assertThat(aws.messagesIn(queue)).isZero();
    assertThat(storedPayloads()).isZero();
  }

  @Test
  void fifoSendWithoutAGroupId_isRefusedNamingIt_andItsStableKeyPayloadIsKept() {
    String fifo = aws.createFifoQueue(true);

    assertThatThrownBy(
            () ->
                extended(true).sendMessage(r -> r.queueUrl(fifo).messageBody("f".repeat(300 * KB))))
        .isInstanceOf(SqsException.class)
        .hasMessageContaining("MessageGroupId");
    assertThat(storedPayloads())
        .as(
            "content-based deduplication: the payload is under a stable key that an earlier send of"
                + " the same body may have enqueued a pointer to, so a refusal keeps it (an orphan"
                + " at worst, for the lifecycle rule)")
        .isEqualTo(1);
  }

  @Test
  void sendToAQueueThatDoesNotExist_failsNamingIt_andTheStoredPayloadIsRemoved() {
    String missing = aws.createQueue() + "-missing";

    assertThatThrownBy(
            () ->
                extended(true)
                    .sendMessage(r -> r.queueUrl(missing).messageBody("m".repeat(300 * KB))))
        .isInstanceOf(QueueDoesNotExistException.class);
    assertThat(storedPayloads()).isZero();
  }

  // ---- receipt handles -------------------------------------------------------------------------

  @Test
  void invalidReceiptHandleOnDelete_failsClearly_andTouchesNoPayload_evenOneItEmbeds() {
    String queue = aws.createQueue();
    String foreign = aws.createBucket();
    s3.putObject(r -> r.bucket(foreign).key("keep"), RequestBody.fromString("foreign"));
    String crafted =
        "-..s3BucketName..-" + foreign + "-..s3BucketName..--..s3Key..-keep-..s3Key..-garbage";

    assertThatThrownBy(
            () -> extended(true).deleteMessage(r -> r.queueUrl(queue).receiptHandle("garbage")))
        .isInstanceOf(ReceiptHandleIsInvalidException.class)
        .hasMessageContaining("garbage");
    assertThatThrownBy(
            () -> extended(true).deleteMessage(r -> r.queueUrl(queue).receiptHandle(crafted)))
        .isInstanceOf(ReceiptHandleIsInvalidException.class);
    assertThat(s3.getObjectAsBytes(r -> r.bucket(foreign).key("keep")).asUtf8String())
        .isEqualTo("foreign");
  }

  @Test
  void expiredReceiptHandleOnDelete_fails_andTheMessageAndItsPayloadSurvive() throws Exception {
    String queue = aws.createQueue("expiring", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"));
    SqsClient client = extended(true);
    String body = "e".repeat(300 * KB);
    client.sendMessage(r -> r.queueUrl(queue).messageBody(body));
    Message first = receiveOne(client, queue);
    Message second = receiveOne(client, queue); // polls until the 1 s visibility timeout ends

    assertThatThrownBy(
            () -> client.deleteMessage(r -> r.queueUrl(queue).receiptHandle(first.receiptHandle())))
        .isInstanceOf(ReceiptHandleIsInvalidException.class);
    assertThat(storedPayloads()).isEqualTo(1);

    client.deleteMessage(r -> r.queueUrl(queue).receiptHandle(second.receiptHandle()));
    assertThat(second.body()).isEqualTo(body);
    assertThat(storedPayloads()).isZero();
  }

  @Test
  void invalidReceiptHandleOnVisibilityChange_failsClearly_andInABatchOnlyThatEntryFails() {
    String queue = aws.createQueue();
    SqsClient client = extended(true);
    client.sendMessage(r -> r.queueUrl(queue).messageBody("v".repeat(300 * KB)));
    Message valid = receiveOne(client, queue);

    assertThatThrownBy(
            () ->
                client.changeMessageVisibility(
                    r -> r.queueUrl(queue).receiptHandle("garbage").visibilityTimeout(5)))
        .isInstanceOf(ReceiptHandleIsInvalidException.class);
    ChangeMessageVisibilityBatchResponse batch =
        client.changeMessageVisibilityBatch(
            r ->
                r.queueUrl(queue)
                    .entries(
                        ChangeMessageVisibilityBatchRequestEntry.builder()
                            .id("bad")
                            .receiptHandle("garbage")
                            .visibilityTimeout(0)
                            .build(),
                        ChangeMessageVisibilityBatchRequestEntry.builder()
                            .id("good")
                            .receiptHandle(valid.receiptHandle())
                            .visibilityTimeout(0)
                            .build()));
    assertThat(batch.failed()).singleElement().satisfies(f -> assertThat(f.id()).isEqualTo("bad"));
    assertThat(batch.successful())
        .singleElement()
        .satisfies(s -> assertThat(s.id()).isEqualTo("good"));
    assertThat(receiveOne(client, queue).messageId()).isEqualTo(valid.messageId());
  }

  @Test
  void expiredReceiptHandleOnVisibilityChange_fails_andTheMessageIsStillDelivered()
      throws Exception {
    String queue = aws.createQueue("expiring", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"));
    SqsClient client = extended(true);
    client.sendMessage(r -> r.queueUrl(queue).messageBody("late"));
    Message first = receiveOne(client, queue);
    Message second = receiveOne(client, queue); // polls until the 1 s visibility timeout ends

    assertThatThrownBy(
            () ->
                client.changeMessageVisibility(
                    r ->
                        r.queueUrl(queue)
                            .receiptHandle(first.receiptHandle())
                            .visibilityTimeout(60)))
        .isInstanceOf(ReceiptHandleIsInvalidException.class);
    assertThat(second.messageId()).isEqualTo(first.messageId());
    client.deleteMessage(r -> r.queueUrl(queue).receiptHandle(second.receiptHandle()));
  }

  // ---- queues and configuration ----------------------------------------------------------------

  @Test
  void consumerOfAQueueThatDoesNotExist_failsToStartNamingIt() {
    String missing = aws.createQueue() + "-missing";
    SqsConsumer consumer =
        SqsConsumer.builder().sqsClient(sqsAsync).queueUrl(missing).handler(m -> {}).build();

    assertThatThrownBy(consumer::start)
        .isInstanceOf(ConsumerException.class)
        .hasMessageContaining(missing);
    consumer.close();
  }

  @Test
  void redrivePolicyNamingADlqThatDoesNotExist_failsConsumerStartNamingIt() {
    QueueWithDlq queue = aws.createQueueWithDlq(3, Duration.ofSeconds(5));
    String dlqArn = aws.queueArn(queue.dlqUrl());
    sqs.deleteQueue(r -> r.queueUrl(queue.dlqUrl()));
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queue.queueUrl())
            .handler(m -> {})
            .build();

    assertThatThrownBy(consumer::start)
        .isInstanceOf(ConsumerException.class)
        .hasMessageContaining(queue.queueUrl())
        .hasMessageContaining(dlqArn.substring(dlqArn.lastIndexOf(':') + 1));
    consumer.close();
  }

  @Test
  void configurationOutOfRange_isRefusedNamingTheOptionTheValueAndTheRule() {
    assertThatThrownBy(
            () ->
                SqsExtendedClient.builder()
                    .sqsClient(sqs)
                    .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
                    .payloadSizeThreshold(2 * 1024 * KB)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("payloadSizeThreshold")
        .hasMessageContaining("1048576")
        .hasMessageContaining("2097152");
    assertThatThrownBy(() -> consumer().concurrency(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("concurrency")
        .hasMessageContaining("was 0");
    assertThatThrownBy(() -> consumer().waitTime(Duration.ofSeconds(21)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("waitTime")
        .hasMessageContaining("20");
    assertThatThrownBy(() -> consumer().visibilityTimeout(Duration.ofHours(13)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("visibilityTimeout")
        .hasMessageContaining("43200");
    assertThatThrownBy(
            () ->
                DynamoDbPayloadStore.builder()
                    .dynamoDbClient(dynamoDb)
                    .table(table)
                    .chunkSize(500 * KB)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chunkSize");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private SqsConsumerBuilder consumer() {
    return SqsConsumer.builder().sqsClient(sqsAsync).queueUrl("https://q").handler(m -> {});
  }

  private static Map<String, MessageAttributeValue> marker(String type, String value) {
    return Map.of(
        "ExtendedPayloadSize",
        MessageAttributeValue.builder().dataType(type).stringValue(value).build());
  }

  private static String errorClass(Message dead) {
    return dead.messageAttributes().get("sqsx.ErrorClass").stringValue();
  }

  private static String errorMessage(Message dead) {
    return dead.messageAttributes().get("sqsx.ErrorMessage").stringValue();
  }

  private static String s3Pointer(String inBucket, String key) {
    return "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\""
        + inBucket
        + "\",\"s3Key\":\""
        + key
        + "\"}]";
  }

  private TieredPayloadStore asyncStore() {
    return TieredPayloadStore.builder()
        .tier(
            64 * KB,
            DynamoDbPayloadStore.builder().dynamoDbAsyncClient(dynamoDbAsync).table(table).build())
        .otherwise(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
        .build();
  }

  private SqsClient extended(boolean offloading) {
    return SqsExtendedClient.builder()
        .sqsClient(sqs)
        .payloadStore(
            TieredPayloadStore.builder()
                .tier(
                    64 * KB,
                    DynamoDbPayloadStore.builder().dynamoDbClient(dynamoDb).table(table).build())
                .otherwise(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
                .build())
        .payloadSupportEnabled(offloading)
        .build();
  }

  /**
   * Sends {@code body} raw, runs a consumer over the extended client until the message is in the
   * DLQ; asserts the handler never ran and the source queue is empty; returns the dead letter.
   */
  private Message deadLettered(
      String body, Map<String, MessageAttributeValue> attributes, int maxReceiveCount) {
    return deadLettered(body, attributes, maxReceiveCount, asyncStore());
  }

  private Message deadLettered(
      String body,
      Map<String, MessageAttributeValue> attributes,
      int maxReceiveCount,
      PayloadStore store) {
    QueueWithDlq queue = aws.createQueueWithDlq(maxReceiveCount, Duration.ofSeconds(2));
    String sentId =
        sqs.sendMessage(
                r -> r.queueUrl(queue.queueUrl()).messageBody(body).messageAttributes(attributes))
            .messageId();
    AtomicInteger handled = new AtomicInteger();
    PayloadFailureBridge failures = new PayloadFailureBridge();
    SqsExtendedAsyncClient client =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(store)
            .resolutionListener(failures)
            .build();
    List<Message> dead = new ArrayList<>();
    try (SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(client)
            .queueUrl(queue.queueUrl())
            .waitTime(Duration.ofSeconds(1))
            .retryPolicy(RetryPolicy.immediate())
            .payloadFailures(failures)
            .handler(message -> handled.incrementAndGet())
            .build()) {
      consumer.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                dead.addAll(
                    sqs.receiveMessage(
                            r ->
                                r.queueUrl(queue.dlqUrl())
                                    .waitTimeSeconds(1)
                                    .messageAttributeNames("All"))
                        .messages());
                return !dead.isEmpty() || handled.get() > 0;
              });
    }
    assertThat(handled).as("handler runs (the bad input was handled as data)").hasValue(0);
    assertThat(dead).hasSize(1);
    assertThat(aws.messagesIn(queue.queueUrl())).as("left in the source queue").isZero();
    Message letter = dead.get(0);
    assertThat(letter.messageAttributes().get("sqsx.SourceMessageId").stringValue())
        .isEqualTo(sentId);
    return letter;
  }

  private static Message receiveOne(SqsClient client, String queue) {
    List<Message> received = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              received.addAll(
                  client.receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(1)).messages());
              return !received.isEmpty();
            });
    return received.get(0);
  }

  /** Payloads stored in the bucket and the table (manifests and chunks). */
  private long storedPayloads() {
    long objects = s3.listObjectsV2(r -> r.bucket(bucket)).keyCount();
    long manifests =
        dynamoDb
            .scan(
                r ->
                    r.tableName(table)
                        .filterExpression("sk = :m")
                        .expressionAttributeValues(Map.of(":m", AttributeValue.fromS("manifest")))
                        .select("COUNT"))
            .count();
    return objects + manifests;
  }
}
