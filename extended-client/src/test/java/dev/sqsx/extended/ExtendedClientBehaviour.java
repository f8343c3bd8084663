/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.amazon.sqs.javamessaging.AmazonSQSExtendedClient;
import com.amazon.sqs.javamessaging.ExtendedClientConfiguration;
import dev.sqsx.extended.internal.Digests;
import dev.sqsx.extended.internal.PointerCodec;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.faults.Fault;
import dev.sqsx.testing.faults.FaultInjector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The behaviour both extended clients must have, against real SQS (ElasticMQ) and S3 (S3Proxy),
 * including interoperability with AWS's {@code amazon-sqs-java-extended-client-lib} 2.1.2 in both
 * directions. Subclasses supply the client under test.
 */
@LocalAws
abstract class ExtendedClientBehaviour {

  static final int KB = 1024;

  SqsClient sqs;
  SqsAsyncClient sqsAsync;

  /** The SQS clients the client under test sends through (a test may swap in faulty ones). */
  SqsClient sqsUnderTest;

  SqsAsyncClient sqsAsyncUnderTest;
  AwsEndpoints endpoints;
  S3Client s3;
  S3AsyncClient s3Async;
  AwsResources aws;
  String bucket;
  String queueUrl;
  final List<PayloadResolutionFailure> failures = new CopyOnWriteArrayList<>();

  /** The client under test, writing to {@code bucket}, with extra options applied. */
  abstract SqsClient extendedClient(String bucket, Consumer<ExtendedClientBuilder<?>> options);

  SqsClient extendedClient() {
    return extendedClient(bucket, options -> {});
  }

  @BeforeEach
  void setUp(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsResources aws,
      AwsEndpoints endpoints) {
    this.sqs = sqs;
    this.sqsAsync = sqsAsync;
    this.sqsUnderTest = sqs;
    this.sqsAsyncUnderTest = sqsAsync;
    this.endpoints = endpoints;
    this.s3 = s3;
    this.s3Async = s3Async;
    this.aws = aws;
    this.bucket = aws.createBucket();
    this.queueUrl = aws.createQueue();
  }

  // ---- send and receive ------------------------------------------------------------------------

  @Test
  void sendMessage_bodyUnderThreshold_isSentAsIs() {
    extendedClient().sendMessage(r -> r.queueUrl(queueUrl).messageBody("small"));

    Message raw = receiveOne(sqs, queueUrl);
    assertThat(raw.body()).isEqualTo("small");
    assertThat(raw.messageAttributes()).isEmpty();
    assertThat(objectKeys(bucket)).isEmpty();
  }

  @Test
  void sendMessage_bodyOverThreshold_storesPayloadInS3AndSendsTheExactPointer() {
    String body = text(300 * KB, 1);

    extendedClient().sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));

    Message raw = receiveOne(sqs, queueUrl);
    List<String> keys = objectKeys(bucket);
    assertThat(keys).hasSize(1);
    assertThat(raw.body())
        .isEqualTo(
            "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\""
                + bucket
                + "\",\"s3Key\":\""
                + keys.get(0)
                + "\"}]");
    assertThat(raw.messageAttributes().get("ExtendedPayloadSize").stringValue())
        .isEqualTo(Integer.toString(body.length()));
    assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key(keys.get(0))).asUtf8String())
        .isEqualTo(body);
  }

  @Test
  void messageGroupId_onAStandardQueue_isKeptBySingleBatchAndOffloadedSends() {
    // SQS fair queues: a MessageGroupId on a standard queue names the message's tenant
    SqsClient client = extendedClient();
    String large = text(300 * KB, 1);
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody("small").messageGroupId("t-single"));
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(large).messageGroupId("t-offloaded"));
    SendMessageBatchResponse batch =
        client.sendMessageBatch(
            r ->
                r.queueUrl(queueUrl)
                    .entries(
                        SendMessageBatchRequestEntry.builder()
                            .id("s")
                            .messageBody("small")
                            .messageGroupId("t-batch")
                            .build(),
                        SendMessageBatchRequestEntry.builder()
                            .id("l")
                            .messageBody(large)
                            .messageGroupId("t-batch-offloaded")
                            .build()));
    assertThat(batch.failed()).isEmpty();

    List<Message> raw = receiveAll(sqs, queueUrl, 4, MessageSystemAttributeName.MESSAGE_GROUP_ID);
    assertThat(raw)
        .extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
        .containsExactlyInAnyOrder("t-single", "t-offloaded", "t-batch", "t-batch-offloaded");
    assertThat(objectKeys(bucket)).as("the two large ones were offloaded").hasSize(2);
  }

  @Test
  void receiveMessage_offloadedMessage_restoresBodyAndAttributesAndDeleteRemovesThePayload() {
    SqsClient client = extendedClient();
    String body = text(400 * KB, 2);
    client.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody(body)
                .messageAttributes(Map.of("kind", string("order"))));

    Message received = receiveOne(client, queueUrl);

    assertThat(received.body()).isEqualTo(body);
    assertThat(received.md5OfBody()).isEqualTo(Digests.md5Hex(body));
    assertThat(received.messageAttributes()).containsOnlyKeys("kind");
    assertThat(received.receiptHandle())
        .startsWith("-..s3BucketName..-" + bucket + "-..s3BucketName..-");
    client.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(received.receiptHandle()));
    assertThat(objectKeys(bucket)).isEmpty();
    assertQueueEmpty(queueUrl);
  }

  @Test
  void sendMessage_bodyPlusAttributesOverThreshold_isOffloaded() {
    SqsClient client = extendedClient(bucket, o -> o.payloadSizeThreshold(1000));
    client.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody("x".repeat(900))
                .messageAttributes(Map.of("big", string("y".repeat(200)))));

    assertThat(objectKeys(bucket)).hasSize(1);
    Message received = receiveOne(client, queueUrl);
    assertThat(received.body()).isEqualTo("x".repeat(900));
    assertThat(received.messageAttributes().get("big").stringValue()).isEqualTo("y".repeat(200));
  }

  @Test
  void alwaysOffload_offloadsASmallMessage() {
    SqsClient client = extendedClient(bucket, o -> o.alwaysOffload(true));
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody("tiny"));

    assertThat(objectKeys(bucket)).hasSize(1);
    assertThat(receiveOne(client, queueUrl).body()).isEqualTo("tiny");
  }

  @Test
  void legacyAttributeName_writesSqsLargePayloadSize() {
    extendedClient(bucket, o -> o.legacyAttributeName(true))
        .sendMessage(r -> r.queueUrl(queueUrl).messageBody(text(300 * KB, 3)));

    Message raw = receiveOne(sqs, queueUrl);
    assertThat(raw.messageAttributes()).containsOnlyKeys("SQSLargePayloadSize");
    assertThat(raw.messageAttributes().get("SQSLargePayloadSize").stringValue())
        .isEqualTo(Integer.toString(300 * KB));
  }

  @Test
  void payloadSupportDisabled_passesLargeBodiesThroughUnchanged() {
    SqsClient client = extendedClient(bucket, o -> o.payloadSupportEnabled(false));
    String body = text(300 * KB, 4);
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));

    assertThat(objectKeys(bucket)).isEmpty();
    assertThat(receiveOne(client, queueUrl).body()).isEqualTo(body);
  }

  @Test
  void sendMessage_tenAttributesAndOffloading_failsClearlyAndStoresNothing() {
    Map<String, MessageAttributeValue> ten = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      ten.put("a" + i, string("v"));
    }

    assertThatThrownBy(
            () ->
                extendedClient()
                    .sendMessage(
                        r ->
                            r.queueUrl(queueUrl)
                                .messageBody(text(300 * KB, 5))
                                .messageAttributes(ten)))
        .isInstanceOf(ExtendedClientException.class)
        .hasMessageContaining("needs one more for the marker");
    assertThat(objectKeys(bucket)).isEmpty();
  }

  @Test
  void sendMessage_queueDoesNotExist_leavesNoObjectInTheBucket() {
    String missingQueue = queueUrl + "-missing";

    assertThatThrownBy(
            () ->
                extendedClient()
                    .sendMessage(r -> r.queueUrl(missingQueue).messageBody(text(300 * KB, 6))))
        .isInstanceOf(QueueDoesNotExistException.class);
    assertThat(objectKeys(bucket)).isEmpty();
  }

  @Test
  void sendMessage_responseLost_everyEnqueuedCopyHasAPayloadOfItsOwn() {
    FaultInjector lost =
        FaultInjector.builder()
            .failureRate(1.0)
            .faults(Fault.RESPONSE_LOST)
            .only("sqs:SendMessage")
            .build();
    String body = text(300 * KB, 7);
    AwsEndpoints faulty = endpoints.withFaults(lost);
    try (SqsClient faultySqs = faulty.newSqsClient();
        SqsAsyncClient faultySqsAsync = faulty.newSqsAsyncClient()) {
      sqsUnderTest = faultySqs;
      sqsAsyncUnderTest = faultySqsAsync;
      SqsClient client = extendedClient();

      assertThatThrownBy(() -> client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body)))
          .hasRootCauseMessage("Connection reset (injected after the request was applied)");
    }

    // every attempt was enqueued; each copy points to its own payload
    int attempts = (int) lost.stats().totalInjected();
    assertThat(attempts).isGreaterThan(1);
    assertThat(objectKeys(bucket)).hasSize(attempts);
    assertEveryCopyResolvesAndItsDeleteLeavesNoPayload(queueUrl, attempts, body);
  }

  @Test
  void sendMessageBatch_responseLost_everyEnqueuedCopyHasAPayloadOfItsOwn() {
    FaultInjector lost =
        FaultInjector.builder()
            .failureRate(1.0)
            .faults(Fault.RESPONSE_LOST)
            .only("sqs:SendMessageBatch")
            .build();
    String body = text(300 * KB, 9);
    AwsEndpoints faulty = endpoints.withFaults(lost);
    try (SqsClient faultySqs = faulty.newSqsClient();
        SqsAsyncClient faultySqsAsync = faulty.newSqsAsyncClient()) {
      sqsUnderTest = faultySqs;
      sqsAsyncUnderTest = faultySqsAsync;
      SqsClient client = extendedClient();

      assertThatThrownBy(
              () ->
                  client.sendMessageBatch(
                      r ->
                          r.queueUrl(queueUrl)
                              .entries(
                                  SendMessageBatchRequestEntry.builder()
                                      .id("big")
                                      .messageBody(body)
                                      .build(),
                                  SendMessageBatchRequestEntry.builder()
                                      .id("small")
                                      .messageBody("s")
                                      .build())))
          .hasRootCauseMessage("Connection reset (injected after the request was applied)");
    }

    int attempts = (int) lost.stats().totalInjected();
    assertThat(attempts).isGreaterThan(1);
    assertThat(objectKeys(bucket)).hasSize(attempts);
    List<Message> copies = receiveAll(extendedClientOnPlainSqs(), queueUrl, 2 * attempts);
    assertThat(copies).extracting(Message::body).filteredOn(body::equals).hasSize(attempts);
    for (Message copy : copies) {
      extendedClientOnPlainSqs()
          .deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(copy.receiptHandle()));
    }
    assertThat(objectKeys(bucket)).as("each delete removed its own payload").isEmpty();
    assertThat(failures).isEmpty();
  }

  private SqsClient extendedClientOnPlainSqs() {
    sqsUnderTest = sqs;
    sqsAsyncUnderTest = sqsAsync;
    return extendedClient(bucket, o -> o.resolutionListener(failures::add));
  }

  private void assertEveryCopyResolvesAndItsDeleteLeavesNoPayload(
      String queue, int copies, String body) {
    SqsClient reader = extendedClientOnPlainSqs();
    for (Message copy : receiveAll(reader, queue, copies)) {
      assertThat(copy.body()).isEqualTo(body);
      reader.deleteMessage(r -> r.queueUrl(queue).receiptHandle(copy.receiptHandle()));
    }
    assertThat(objectKeys(bucket)).as("each delete removed its own payload").isEmpty();
    assertThat(failures).isEmpty();
  }

  @Test
  void sendMessageBatch_serverError_keepsThePayloads_butAQueueThatDoesNotExistRemovesThem() {
    FaultInjector broken =
        FaultInjector.builder()
            .failureRate(1.0)
            .faults(Fault.SERVER_ERROR)
            .only("sqs:SendMessageBatch")
            .build();
    List<SendMessageBatchRequestEntry> entries =
        List.of(
            SendMessageBatchRequestEntry.builder().id("a").messageBody(text(300 * KB, 8)).build());
    AwsEndpoints faulty = endpoints.withFaults(broken);
    try (SqsClient faultySqs = faulty.newSqsClient();
        SqsAsyncClient faultySqsAsync = faulty.newSqsAsyncClient()) {
      sqsUnderTest = faultySqs;
      sqsAsyncUnderTest = faultySqsAsync;
      SqsClient client = extendedClient();

      // a 5xx: SQS may have enqueued it, so each attempt's payload stays
      assertThatThrownBy(() -> client.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)))
          .isInstanceOfSatisfying(
              SqsException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
      int attempts = (int) broken.stats().totalInjected();
      assertThat(attempts).isGreaterThan(1);
      assertThat(objectKeys(bucket)).hasSize(attempts);

      // a 4xx: SQS rejected it, so the payload goes
      broken.pause();
      assertThatThrownBy(
              () ->
                  client.sendMessageBatch(r -> r.queueUrl(queueUrl + "-missing").entries(entries)))
          .isInstanceOf(QueueDoesNotExistException.class);
      assertThat(objectKeys(bucket)).hasSize(attempts);
    }
  }

  @Test
  void sendMessageBatch_storeFailsPartway_deletesWhatItStored_andSendsNothing() {
    PayloadStore failsSecond = failingOnSecondStore();
    SqsClient client = extendedClient(bucket, o -> o.payloadStore(failsSecond));
    List<SendMessageBatchRequestEntry> entries =
        List.of(
            SendMessageBatchRequestEntry.builder().id("a").messageBody(text(300 * KB, 11)).build(),
            SendMessageBatchRequestEntry.builder().id("b").messageBody(text(300 * KB, 12)).build(),
            SendMessageBatchRequestEntry.builder().id("c").messageBody(text(300 * KB, 13)).build());

    assertThatThrownBy(() -> client.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)))
        .isInstanceOf(ExtendedClientException.class)
        .hasMessageContaining("nothing was sent");

    assertThat(objectKeys(bucket)).as("payloads stored before the failure").isEmpty();
    assertQueueEmpty(queueUrl);
  }

  /** The real S3 store, whose second store fails as an S3 outage halfway through a batch would. */
  PayloadStore failingOnSecondStore() {
    S3PayloadStore real =
        S3PayloadStore.builder().s3Client(s3).s3AsyncClient(s3Async).bucket(bucket).build();
    AtomicInteger stores = new AtomicInteger();
    return new PayloadStore() {
      @Override
      public boolean allows(PayloadPointer pointer) {
        return real.allows(pointer);
      }

      @Override
      public PayloadPointer store(String payload) {
        if (stores.incrementAndGet() == 2) {
          throw new ExtendedClientException("S3 is down (injected)", null, null, null, null);
        }
        return real.store(payload);
      }

      @Override
      public String read(PayloadPointer pointer) {
        return real.read(pointer);
      }

      @Override
      public void delete(PayloadPointer pointer) {
        real.delete(pointer);
      }

      @Override
      public CompletableFuture<PayloadPointer> storeAsync(String payload) {
        if (stores.incrementAndGet() == 2) {
          return CompletableFuture.failedFuture(
              new ExtendedClientException("S3 is down (injected)", null, null, null, null));
        }
        return real.storeAsync(payload);
      }

      @Override
      public CompletableFuture<String> readAsync(PayloadPointer pointer) {
        return real.readAsync(pointer);
      }

      @Override
      public CompletableFuture<Void> deleteAsync(PayloadPointer pointer) {
        return real.deleteAsync(pointer);
      }
    };
  }

  // ---- batches ---------------------------------------------------------------------------------

  @Test
  void sendMessageBatch_tenEntriesOf200Kb_succeedsByOffloadingTheLargestFirst() {
    SqsClient client = extendedClient();
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    Map<String, String> bodies = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      String body = text(200 * KB + i, 10 + i);
      bodies.put("e" + i, body);
      entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody(body).build());
    }

    SendMessageBatchResponse response =
        client.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));

    assertThat(response.failed()).isEmpty();
    assertThat(response.successful()).hasSize(10);
    assertThat(objectKeys(bucket)).hasSize(5);
    List<Message> received = receiveAll(client, queueUrl, 10);
    assertThat(received)
        .extracting(Message::body)
        .containsExactlyInAnyOrderElementsOf(bodies.values());
  }

  @Test
  void deleteMessageBatch_deletesPayloadsOnlyOfTheEntriesSqsDeleted() {
    SqsClient client = extendedClient(bucket, o -> o.alwaysOffload(true));
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody("one"));
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody("two"));
    List<Message> received = receiveAll(client, queueUrl, 2);
    Message kept = received.get(1);
    String foreignHandle =
        kept.receiptHandle().substring(0, kept.receiptHandle().lastIndexOf("-..s3Key..-") + 11)
            + "not-a-valid-handle";

    DeleteMessageBatchResponse response =
        client.deleteMessageBatch(
            r ->
                r.queueUrl(queueUrl)
                    .entries(
                        DeleteMessageBatchRequestEntry.builder()
                            .id("ok")
                            .receiptHandle(received.get(0).receiptHandle())
                            .build(),
                        DeleteMessageBatchRequestEntry.builder()
                            .id("bad")
                            .receiptHandle(foreignHandle)
                            .build()));

    assertThat(response.successful()).extracting(e -> e.id()).containsExactly("ok");
    assertThat(response.failed()).extracting(e -> e.id()).containsExactly("bad");
    assertThat(objectKeys(bucket)).hasSize(1);
    client.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(kept.receiptHandle()));
    assertThat(objectKeys(bucket)).isEmpty();
  }

  @Test
  void changeMessageVisibility_withAnEmbeddedPointer_reachesSqsWithTheOriginalHandle() {
    SqsClient client = extendedClient(bucket, o -> o.alwaysOffload(true));
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody("again"));
    Message first = receiveOne(client, queueUrl);

    client.changeMessageVisibility(
        r -> r.queueUrl(queueUrl).receiptHandle(first.receiptHandle()).visibilityTimeout(0));
    Message second = receiveOne(client, queueUrl);
    client.changeMessageVisibilityBatch(
        r ->
            r.queueUrl(queueUrl)
                .entries(
                    ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id("1")
                        .receiptHandle(second.receiptHandle())
                        .visibilityTimeout(0)
                        .build()));

    assertThat(second.messageId()).isEqualTo(first.messageId());
    assertThat(receiveOne(client, queueUrl).body()).isEqualTo("again");
  }

  // ---- FIFO ------------------------------------------------------------------------------------

  @Test
  void fifoWithContentBasedDeduplication_sameLargeBodyTwice_isDeliveredOnce() {
    String fifo = aws.createFifoQueue(true);
    SqsClient client = extendedClient();
    String body = text(300 * KB, 7);

    client.sendMessage(r -> r.queueUrl(fifo).messageBody(body).messageGroupId("g"));
    client.sendMessage(r -> r.queueUrl(fifo).messageBody(body).messageGroupId("g"));
    assertThat(objectKeys(bucket)).as("the deduplicated send stored no second payload").hasSize(1);

    Message raw =
        receiveOne(
            sqs,
            fifo,
            MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID,
            MessageSystemAttributeName.MESSAGE_GROUP_ID);
    assertThat(raw.attributes())
        .containsEntry(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID, Digests.sha256Hex(body))
        .containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "g");
    sqs.deleteMessage(r -> r.queueUrl(fifo).receiptHandle(raw.receiptHandle()));
    assertQueueEmpty(fifo);
  }

  @Test
  void fifoWithAnExplicitDeduplicationId_aDeduplicatedResendLeavesNoOrphan() {
    String fifo = aws.createFifoQueue(false);
    SqsClient client = extendedClient();
    String body = text(300 * KB, 10);

    for (int i = 0; i < 3; i++) {
      client.sendMessage(
          r ->
              r.queueUrl(fifo)
                  .messageBody(body)
                  .messageGroupId("g")
                  .messageDeduplicationId("order-17"));
    }
    client.sendMessage(
        r ->
            r.queueUrl(fifo)
                .messageBody(text(300 * KB, 11))
                .messageGroupId("g")
                .messageDeduplicationId("order-18"));

    assertThat(objectKeys(bucket)).as("one payload per message SQS keeps").hasSize(2);
    List<Message> received = receiveAll(client, fifo, 2);
    for (Message message : received) {
      client.deleteMessage(r -> r.queueUrl(fifo).receiptHandle(message.receiptHandle()));
    }
    assertThat(received).extracting(Message::body).containsExactly(body, text(300 * KB, 11));
    assertThat(objectKeys(bucket)).isEmpty();
  }

  @Test
  void fifoStableKey_aRefusedResend_keepsThePayloadTheQueuedCopyPointsTo() {
    String fifo = aws.createFifoQueue(false);
    SqsClient client = extendedClient();
    String body = text(300 * KB, 12);
    client.sendMessage(
        r -> r.queueUrl(fifo).messageBody(body).messageGroupId("g").messageDeduplicationId("o-19"));

    // the application sends it again within the minute (same deduplication id: the same stable
    // key), and SQS refuses that send outright (400: no group id)
    assertThatThrownBy(
            () ->
                client.sendMessage(
                    r -> r.queueUrl(fifo).messageBody(body).messageDeduplicationId("o-19")))
        .isInstanceOf(software.amazon.awssdk.services.sqs.model.SqsException.class);

    assertThat(objectKeys(bucket)).as("the queued copy's payload").hasSize(1);
    List<Message> received = receiveAll(client, fifo, 1);
    assertThat(received).extracting(Message::body).containsExactly(body);
  }

  // ---- bad input -------------------------------------------------------------------------------

  @Test
  void malformedPointer_isNotReturned_staysForRedeliveryAndReachesTheDlq() {
    QueueWithDlq queue = aws.createQueueWithDlq(2, Duration.ofSeconds(1));
    sqs.sendMessage(
        r ->
            r.queueUrl(queue.queueUrl())
                .messageBody("{not a pointer")
                .messageAttributes(Map.of("ExtendedPayloadSize", number(14))));

    assertFailsThenDeadLetters(queue, MalformedPointerException.class);
  }

  @Test
  void pointerToMissingObject_isNotReturned_staysForRedeliveryAndReachesTheDlq() {
    QueueWithDlq queue = aws.createQueueWithDlq(2, Duration.ofSeconds(1));
    sqs.sendMessage(
        r ->
            r.queueUrl(queue.queueUrl())
                .messageBody(PointerCodec.write(PayloadPointer.s3(bucket, "no-such-key")))
                .messageAttributes(Map.of("SQSLargePayloadSize", number(10))));

    assertFailsThenDeadLetters(queue, PayloadNotFoundException.class);
  }

  @Test
  void pointerToBucketNotAllowed_isRefused_andTheForeignObjectIsNeitherReadNorDeleted() {
    QueueWithDlq queue = aws.createQueueWithDlq(2, Duration.ofSeconds(1));
    String foreign = aws.createBucket();
    s3.putObject(r -> r.bucket(foreign).key("secret"), RequestBody.fromString("secret payload"));
    sqs.sendMessage(
        r ->
            r.queueUrl(queue.queueUrl())
                .messageBody(PointerCodec.write(PayloadPointer.s3(foreign, "secret")))
                .messageAttributes(Map.of("ExtendedPayloadSize", number(14))));

    assertFailsThenDeadLetters(queue, PayloadNotAllowedException.class);
    assertThat(failures.get(0).retryable()).isFalse();
    assertThat(failures.get(0).error().pointer()).contains(PayloadPointer.s3(foreign, "secret"));

    // A crafted receipt handle naming the foreign object must not delete it either.
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("plain"));
    Message plain = receiveOne(sqs, queueUrl);
    extendedClient(bucket, o -> o.resolutionListener(failures::add))
        .deleteMessage(
            r ->
                r.queueUrl(queueUrl)
                    .receiptHandle(
                        "-..s3BucketName..-"
                            + foreign
                            + "-..s3BucketName..--..s3Key..-secret-..s3Key..-"
                            + plain.receiptHandle()));
    assertQueueEmpty(queueUrl);
    assertThat(objectKeys(foreign)).containsExactly("secret");
  }

  @Test
  void tamperedS3Object_isDetected_andTheMessageIsNotReturned() {
    SqsClient client = extendedClient(bucket, o -> o.resolutionListener(failures::add));
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(text(300 * KB, 13)));
    String key = objectKeys(bucket).get(0);
    var original = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key));
    s3.putObject(
        r -> r.bucket(bucket).key(key).metadata(original.response().metadata()),
        RequestBody.fromString(text(300 * KB, 14)));

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
        .hasMessageStartingWith(
            "payload object does not match the SHA-256 recorded when it was stored");
    assertThat(failures.get(0).retryable()).isFalse();
    assertThat(objectKeys(bucket)).containsExactly(key);
  }

  @Test
  void requireChecksum_refusesAnObjectWithoutTheRecordedSha256() {
    SqsClient client = extendedClient(bucket, o -> o.alwaysOffload(true));
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody("checked"));
    String key = objectKeys(bucket).get(0);
    s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString("replaced, no metadata"));
    S3PayloadStore strict =
        S3PayloadStore.builder().s3Client(s3).bucket(bucket).requireChecksum(true).build();
    S3PayloadStore lenient = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();

    assertThatThrownBy(() -> strict.read(PayloadPointer.s3(bucket, key)))
        .isInstanceOf(PayloadIntegrityException.class)
        .hasMessageStartingWith(
            "payload object has no sqsx-sha256 metadata and requireChecksum is set");
    assertThat(lenient.read(PayloadPointer.s3(bucket, key))).isEqualTo("replaced, no metadata");
  }

  @Test
  void ignorePayloadNotFound_deletesTheMessageWhosePayloadIsMissing_andReportsIt() {
    SqsClient client =
        extendedClient(
            bucket, o -> o.ignorePayloadNotFound(true).resolutionListener(failures::add));
    sqs.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody(PointerCodec.write(PayloadPointer.s3(bucket, "gone")))
                .messageAttributes(Map.of("ExtendedPayloadSize", number(10))));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              client.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1));
              return !failures.isEmpty();
            });

    assertThat(failures)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.deleted()).isTrue();
              assertThat(f.error()).isInstanceOf(PayloadNotFoundException.class);
            });
    assertQueueEmpty(queueUrl);
  }

  @Test
  void receiveMessage_oneBadMessage_stillReturnsTheGoodOnes() {
    SqsClient client = extendedClient(bucket, o -> o.resolutionListener(failures::add));
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(text(300 * KB, 8)));
    sqs.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody("garbage")
                .messageAttributes(Map.of("ExtendedPayloadSize", number(7))));
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody("small"));

    List<Message> received = receiveAll(client, queueUrl, 2);

    assertThat(received)
        .extracting(Message::body)
        .containsExactlyInAnyOrder(text(300 * KB, 8), "small");
    await().atMost(Duration.ofSeconds(5)).until(() -> !failures.isEmpty());
    assertThat(failures.get(0).error()).isInstanceOf(MalformedPointerException.class);
    assertThat(failures.get(0).queueUrl()).isEqualTo(queueUrl);
  }

  @Test
  void receiveMessage_withAnAttachedListener_reportsItsOwnFailuresThereToo_afterTheClients() {
    SqsClient client = extendedClient(bucket, o -> o.resolutionListener(failures::add));
    List<Boolean> toldAfterTheClient = new CopyOnWriteArrayList<>();
    PayloadResolutionListener own = failure -> toldAfterTheClient.add(failures.contains(failure));
    ReceiveMessageRequest withOwn =
        own.attachTo(ReceiveMessageRequest.builder().queueUrl(queueUrl).waitTimeSeconds(1).build());
    sendMalformedPointer(queueUrl);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              assertThat(client.receiveMessage(withOwn).messages()).isEmpty();
              return !toldAfterTheClient.isEmpty();
            });
    sendMalformedPointer(queueUrl);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              client.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1));
              return failures.size() == 2;
            });

    assertThat(toldAfterTheClient)
        .as("told once, about its own receive only, after the client's listener")
        .containsExactly(true);
    assertThat(failures)
        .allSatisfy(f -> assertThat(f.error()).isInstanceOf(MalformedPointerException.class));
  }

  private void sendMalformedPointer(String queueUrl) {
    sqs.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody("garbage")
                .messageAttributes(Map.of("ExtendedPayloadSize", number(7))));
  }

  @Test
  void receiveMessage_hostileBodiesWithTheMarker_failOnlyThemselves_theBatchIsReturned() {
    SqsClient client = extendedClient(bucket, o -> o.resolutionListener(failures::add));
    List<String> hostile =
        List.of(
            "//:%",
            "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",null]",
            "[null,{}]",
            "[1,2,3]",
            "{\"s3BucketName\":{}}");
    for (String body : hostile) {
      sqs.sendMessage(
          r ->
              r.queueUrl(queueUrl)
                  .messageBody(body)
                  .messageAttributes(Map.of("ExtendedPayloadSize", number(body.length()))));
    }
    for (int i = 0; i < 5; i++) {
      String body = "good-" + i;
      sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }

    List<Message> received = receiveAll(client, queueUrl, 5);

    assertThat(received)
        .extracting(Message::body)
        .containsExactlyInAnyOrder("good-0", "good-1", "good-2", "good-3", "good-4");
    await().atMost(Duration.ofSeconds(5)).until(() -> failures.size() >= hostile.size());
    assertThat(failures)
        .hasSize(hostile.size())
        .allSatisfy(
            f -> {
              assertThat(f.error()).isInstanceOf(MalformedPointerException.class);
              assertThat(f.deleted()).isFalse();
            });
  }

  // ---- interoperability with AWS's extended client ---------------------------------------------

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {300 * KB, 900 * KB})
  void awsLibrarySends_sqsxReceivesAndDeletes_payloadRemoved(int size) {
    String body = text(size, size);
    aws().sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    Message raw = peekRaw(queueUrl);
    assertThat(raw.messageAttributes()).containsKey("SQSLargePayloadSize");
    assertThat(PointerCodec.write(PointerCodec.read(raw.body())))
        .as("sqsx writes AWS's pointer byte for byte")
        .isEqualTo(raw.body());
    SqsClient client = extendedClient();

    Message received = receiveOne(client, queueUrl);
    client.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(received.receiptHandle()));

    assertThat(received.body()).isEqualTo(body);
    assertThat(received.messageAttributes()).isEmpty();
    assertThat(objectKeys(bucket)).isEmpty();
    assertQueueEmpty(queueUrl);
  }

  @Test
  void awsLibraryWithNewAttributeName_isReadBySqsx() {
    SqsClient awsModern =
        new AmazonSQSExtendedClient(
            sqs,
            new ExtendedClientConfiguration()
                .withPayloadSupportEnabled(s3, bucket)
                .withLegacyReservedAttributeNameDisabled());
    String body = text(300 * KB, 9);
    awsModern.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    assertThat(peekRaw(queueUrl).messageAttributes()).containsOnlyKeys("ExtendedPayloadSize");

    assertThat(receiveOne(extendedClient(), queueUrl).body()).isEqualTo(body);
  }

  @ParameterizedTest(name = "{0} bytes, legacy name {1}")
  @org.junit.jupiter.params.provider.CsvSource({"307200,false", "921600,false", "307200,true"})
  void sqsxSends_awsLibraryReceivesAndDeletes_payloadRemoved(int size, boolean legacy) {
    String body = text(size, size + 1);
    extendedClient(bucket, o -> o.legacyAttributeName(legacy))
        .sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    SqsClient awsClient = aws();

    Message received = receiveOne(awsClient, queueUrl);
    awsClient.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(received.receiptHandle()));

    assertThat(received.body()).isEqualTo(body);
    assertThat(objectKeys(bucket)).isEmpty();
    assertQueueEmpty(queueUrl);
  }

  @Test
  void receiptHandleFromSqsx_deletesMessageAndPayloadThroughAwsLibrary() {
    SqsClient client = extendedClient();
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(text(300 * KB, 11)));
    Message received = receiveOne(client, queueUrl);

    aws().deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(received.receiptHandle()));

    assertThat(objectKeys(bucket)).isEmpty();
    assertQueueEmpty(queueUrl);
  }

  @Test
  void receiptHandleFromAwsLibrary_deletesMessageAndPayloadThroughSqsx() {
    SqsClient awsClient = aws();
    awsClient.sendMessage(r -> r.queueUrl(queueUrl).messageBody(text(300 * KB, 12)));
    Message received = receiveOne(awsClient, queueUrl);

    extendedClient()
        .deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(received.receiptHandle()));

    assertThat(objectKeys(bucket)).isEmpty();
    assertQueueEmpty(queueUrl);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  SqsClient aws() {
    return new AmazonSQSExtendedClient(
        sqs, new ExtendedClientConfiguration().withPayloadSupportEnabled(s3, bucket));
  }

  private void assertFailsThenDeadLetters(QueueWithDlq queue, Class<? extends Exception> error) {
    SqsClient client = extendedClient(bucket, o -> o.resolutionListener(failures::add));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              assertThat(
                      client
                          .receiveMessage(r -> r.queueUrl(queue.queueUrl()).waitTimeSeconds(1))
                          .messages())
                  .as("a message whose payload cannot be resolved is never returned")
                  .isEmpty();
              return failures.size() >= queue.maxReceiveCount();
            });
    assertThat(failures)
        .allSatisfy(
            f -> {
              assertThat(f.error()).isInstanceOf(error);
              assertThat(f.queueUrl()).isEqualTo(queue.queueUrl());
              assertThat(f.deleted()).isFalse();
            });
    // Receive once more after the count is spent: SQS moves it to the DLQ, pointer body intact.
    Message deadLettered =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> {
                  client.receiveMessage(r -> r.queueUrl(queue.queueUrl()).waitTimeSeconds(1));
                  return sqs.receiveMessage(
                          r ->
                              r.queueUrl(queue.dlqUrl())
                                  .messageAttributeNames("All")
                                  .waitTimeSeconds(1))
                      .messages();
                },
                messages -> !messages.isEmpty())
            .get(0);
    assertThat(deadLettered.messageId()).isEqualTo(failures.get(0).messageId());
  }

  Message peekRaw(String queue) {
    Message raw = receiveOne(sqs, queue);
    sqs.changeMessageVisibility(
        r -> r.queueUrl(queue).receiptHandle(raw.receiptHandle()).visibilityTimeout(0));
    return raw;
  }

  static Message receiveOne(SqsClient client, String queue, MessageSystemAttributeName... system) {
    return receiveAll(client, queue, 1, system).get(0);
  }

  static List<Message> receiveAll(
      SqsClient client, String queue, int count, MessageSystemAttributeName... system) {
    List<Message> received = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              received.addAll(
                  client
                      .receiveMessage(
                          r ->
                              r.queueUrl(queue)
                                  .maxNumberOfMessages(10)
                                  .waitTimeSeconds(1)
                                  .messageAttributeNames("All")
                                  .messageSystemAttributeNames(system))
                      .messages());
              return received.size() >= count;
            });
    assertThat(received).hasSize(count);
    return received;
  }

  void assertQueueEmpty(String queue) {
    sqs.setQueueAttributes(
        r -> r.queueUrl(queue).attributesWithStrings(Map.of("VisibilityTimeout", "0")));
    assertThat(sqs.receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(1)).messages()).isEmpty();
  }

  List<String> objectKeys(String inBucket) {
    return s3.listObjectsV2(r -> r.bucket(inBucket)).contents().stream()
        .map(S3Object::key)
        .toList();
  }

  static String text(int size, long seed) {
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder(size);
    for (int i = 0; i < size; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  static MessageAttributeValue number(long value) {
    return MessageAttributeValue.builder()
        .dataType("Number")
        .stringValue(Long.toString(value))
        .build();
  }
}
