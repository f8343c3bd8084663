/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static dev.sqsx.extended.ExtendedClientBehaviour.KB;
import static dev.sqsx.extended.ExtendedClientBehaviour.receiveAll;
import static dev.sqsx.extended.ExtendedClientBehaviour.receiveOne;
import static dev.sqsx.extended.ExtendedClientBehaviour.string;
import static dev.sqsx.extended.ExtendedClientBehaviour.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazon.sqs.javamessaging.AmazonSQSExtendedClient;
import com.amazon.sqs.javamessaging.ExtendedClientConfiguration;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueSizeLimitShim;
import dev.sqsx.testing.faults.Fault;
import dev.sqsx.testing.faults.FaultInjector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The {@code auto} threshold (the default) of both extended clients, against ElasticMQ and S3Proxy
 * with queues at 262,144 and at 1,048,576 bytes. ElasticMQ ignores {@code MaximumMessageSize}, so
 * the test's SQS client carries a {@link QueueSizeLimitShim} that answers and enforces the declared
 * limits (the messages themselves go to ElasticMQ). Subclasses supply the client under test.
 */
@LocalAws
abstract class AutoThresholdBehaviour {

  static final int QUEUE_256_KIB = 262_144;
  static final int QUEUE_1_MIB = 1_048_576;

  SqsClient sqs;
  S3Client s3;
  S3AsyncClient s3Async;
  AwsEndpoints endpoints;
  AwsResources aws;
  String bucket;
  final QueueSizeLimitShim limits = new QueueSizeLimitShim();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /**
   * The client under test over a new SQS client that carries {@code limits} (and {@code faults},
   * when not null), writing to {@code bucket}, with extra options applied; closed after the test.
   */
  abstract SqsClient extendedClient(
      QueueSizeLimitShim limits, FaultInjector faults, Consumer<ExtendedClientBuilder<?>> options);

  SqsClient extendedClient() {
    return extendedClient(limits, null, options -> {});
  }

  void closeAfterwards(AutoCloseable closeable) {
    toClose.add(closeable);
  }

  @BeforeEach
  void setUp(
      SqsClient sqs, S3Client s3, S3AsyncClient s3Async, AwsResources aws, AwsEndpoints endpoints) {
    this.sqs = sqs;
    this.s3 = s3;
    this.s3Async = s3Async;
    this.aws = aws;
    this.endpoints = endpoints;
    this.bucket = aws.createBucket();
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  private String queueAt(int limit) {
    String queueUrl = aws.createQueue();
    limits.declare(queueUrl, limit);
    return queueUrl;
  }

  @Test
  void auto_900KbOnAQueueAt1MiB_staysInlineAndAwsLibraryReadsIt() {
    String queueUrl = queueAt(QUEUE_1_MIB);
    String body = text(900_000, 1);

    extendedClient().sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));

    SqsClient awsLibrary =
        new AmazonSQSExtendedClient(
            sqs, new ExtendedClientConfiguration().withPayloadSupportEnabled(s3, bucket));
    Message received = receiveOne(awsLibrary, queueUrl);
    assertThat(received.body()).isEqualTo(body);
    assertThat(received.messageAttributes()).isEmpty();
    assertThat(objectKeys()).isEmpty();
    assertThat(limits.reads(queueUrl)).isEqualTo(1);
    assertThat(limits.refused(queueUrl)).isZero();
  }

  @Test
  void auto_900KbOnAQueueAt256KiB_isOffloadedAndTheLimitIsReadOnce() {
    String queueUrl = queueAt(QUEUE_256_KIB);
    SqsClient client = extendedClient();
    String body = text(900_000, 2);

    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));

    List<Message> raw = receiveAll(sqs, queueUrl, 2);
    assertThat(raw)
        .allSatisfy(
            message -> assertThat(message.messageAttributes()).containsKey("ExtendedPayloadSize"));
    assertThat(objectKeys()).hasSize(2);
    assertThat(limits.reads(queueUrl)).isEqualTo(1);
    assertThat(limits.refused(queueUrl)).isZero();
  }

  @Test
  void auto_messageAtTheQueueLimit_staysInlineAndOneByteMore_isOffloaded() {
    String queueUrl = queueAt(300_000);
    Map<String, MessageAttributeValue> attributes = Map.of("kind", string("order"));
    int attributeBytes = "kind".length() + "String".length() + "order".length();
    String atLimit = text(300_000 - attributeBytes, 3);
    SqsClient client = extendedClient();

    client.sendMessage(
        r -> r.queueUrl(queueUrl).messageBody(atLimit).messageAttributes(attributes));
    assertThat(receiveOne(sqs, queueUrl).body()).isEqualTo(atLimit);
    assertThat(objectKeys()).isEmpty();

    client.sendMessage(
        r -> r.queueUrl(queueUrl).messageBody(atLimit + "x").messageAttributes(attributes));
    assertThat(receiveOne(sqs, queueUrl).messageAttributes()).containsKey("ExtendedPayloadSize");
    assertThat(objectKeys()).hasSize(1);
    assertThat(limits.refused(queueUrl)).isZero();
  }

  @Test
  void auto_smallMessages_neverReadTheQueueLimit() {
    String queueUrl = queueAt(QUEUE_1_MIB);

    extendedClient().sendMessage(r -> r.queueUrl(queueUrl).messageBody(text(1_024, 4)));

    assertThat(receiveOne(sqs, queueUrl).body()).hasSize(1_024);
    assertThat(limits.reads(queueUrl)).isZero();
  }

  @Test
  void auto_failingGetQueueAttributes_fallsBackTo262144() {
    String queueUrl = queueAt(QUEUE_1_MIB);
    FaultInjector faults =
        FaultInjector.builder()
            .failureRate(1.0)
            .faults(Fault.SERVER_ERROR)
            .only("sqs:GetQueueAttributes")
            .build();
    SqsClient client = extendedClient(limits, faults, options -> {});

    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(text(300 * KB, 5)));
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(text(200 * KB, 6)));

    List<Message> raw = receiveAll(sqs, queueUrl, 2);
    assertThat(raw)
        .filteredOn(m -> m.messageAttributes().containsKey("ExtendedPayloadSize"))
        .hasSize(1);
    assertThat(raw).filteredOn(m -> m.body().length() == 200 * KB).hasSize(1);
    assertThat(objectKeys()).hasSize(1);
    assertThat(faults.stats().totalInjected()).isPositive();
  }

  @Test
  void fixedThreshold_900KbOnAQueueAt1MiB_isOffloadedWithoutReadingTheQueue() {
    String queueUrl = queueAt(QUEUE_1_MIB);

    extendedClient(limits, null, o -> o.payloadSizeThreshold(262_144))
        .sendMessage(r -> r.queueUrl(queueUrl).messageBody(text(900_000, 7)));

    assertThat(receiveOne(sqs, queueUrl).messageAttributes()).containsKey("ExtendedPayloadSize");
    assertThat(limits.reads(queueUrl)).isZero();
  }

  @Test
  void auto_batchOnAQueueAt1MiB_isSizedByBytes() {
    String queueUrl = queueAt(QUEUE_1_MIB);
    SqsClient client = extendedClient();
    List<SendMessageBatchRequestEntry> three = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      three.add(entry("a" + i, text(300_000, 10 + i)));
    }
    List<SendMessageBatchRequestEntry> four = new ArrayList<>(three);
    four.replaceAll(e -> e.toBuilder().id(e.id().replace('a', 'b')).build());
    four.add(entry("b3", text(310_000, 20)));

    SendMessageBatchResponse fitting =
        client.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(three));
    SendMessageBatchResponse tooLarge =
        client.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(four));

    assertThat(fitting.successful()).hasSize(3);
    assertThat(tooLarge.successful()).hasSize(4);
    List<Message> raw = receiveAll(sqs, queueUrl, 7);
    // 900,000 bytes together fit one request; 1,210,000 do not: the largest entry is offloaded
    assertThat(raw)
        .filteredOn(m -> m.messageAttributes().containsKey("ExtendedPayloadSize"))
        .hasSize(1)
        .allSatisfy(
            m ->
                assertThat(m.messageAttributes().get("ExtendedPayloadSize").stringValue())
                    .isEqualTo("310000"));
    assertThat(objectKeys()).hasSize(1);
    assertThat(limits.refused(queueUrl)).isZero();
  }

  @Test
  void auto_batchOnAQueueAt256KiB_offloadsEachEntryOverTheQueueLimit() {
    String queueUrl = queueAt(QUEUE_256_KIB);

    SendMessageBatchResponse response =
        extendedClient()
            .sendMessageBatch(
                r ->
                    r.queueUrl(queueUrl)
                        .entries(
                            entry("small", text(200_000, 30)),
                            entry("large", text(300_000, 31)),
                            entry("larger", text(900_000, 32))));

    assertThat(response.successful()).hasSize(3);
    List<Message> raw = receiveAll(sqs, queueUrl, 3);
    assertThat(raw)
        .filteredOn(m -> m.messageAttributes().containsKey("ExtendedPayloadSize"))
        .hasSize(2);
    assertThat(objectKeys()).hasSize(2);
    assertThat(limits.refused(queueUrl)).isZero();
  }

  @Test
  void auto_batchWithAnEntryOver1MiB_stillReadsTheQueueLimitForTheOthers() {
    String queueUrl = queueAt(QUEUE_256_KIB);

    SendMessageBatchResponse response =
        extendedClient()
            .sendMessageBatch(
                r ->
                    r.queueUrl(queueUrl)
                        .entries(
                            entry("huge", text(1_100_000, 35)), entry("large", text(500_000, 36))));

    assertThat(response.successful()).hasSize(2);
    assertThat(receiveAll(sqs, queueUrl, 2))
        .allSatisfy(m -> assertThat(m.messageAttributes()).containsKey("ExtendedPayloadSize"));
    assertThat(limits.reads(queueUrl)).isEqualTo(1);
    assertThat(limits.refused(queueUrl)).isZero();
  }

  @Test
  void auto_batchEntryThatCannotFitEvenOffloaded_failsAloneAndTheOthersAreSent() {
    String queueUrl = queueAt(1_024);
    Map<String, MessageAttributeValue> heavy = Map.of("blob", string(text(1_000, 40)));

    SendMessageBatchResponse response =
        extendedClient()
            .sendMessageBatch(
                r ->
                    r.queueUrl(queueUrl)
                        .entries(
                            entry("small", "hello"),
                            entry("offloaded", text(5_000, 41)),
                            entry("heavy", text(2_000, 42)).toBuilder()
                                .messageAttributes(heavy)
                                .build()));

    assertThat(response.successful())
        .extracting(e -> e.id())
        .containsExactlyInAnyOrder("small", "offloaded");
    assertThat(response.failed()).hasSize(1);
    BatchResultErrorEntry failed = response.failed().get(0);
    assertThat(failed.id()).isEqualTo("heavy");
    assertThat(failed.senderFault()).isTrue();
    assertThat(failed.code()).isEqualTo("MessageTooLong");
    assertThat(failed.message())
        .contains(queueUrl)
        .contains("MaximumMessageSize of 1024 bytes")
        .contains("attributes take 1010 bytes");
    assertThat(receiveAll(sqs, queueUrl, 2)).hasSize(2);
    assertThat(objectKeys()).hasSize(1);
    assertThat(limits.refused(queueUrl)).isZero();
  }

  @Test
  void auto_messageThatCannotFitEvenOffloaded_isRefusedBeforeAnythingIsStored() {
    String queueUrl = queueAt(1_024);
    Map<String, MessageAttributeValue> heavy = Map.of("blob", string(text(1_000, 50)));
    SqsClient client = extendedClient();

    assertThatThrownBy(
            () ->
                client.sendMessage(
                    r ->
                        r.queueUrl(queueUrl).messageBody(text(2_000, 51)).messageAttributes(heavy)))
        .isInstanceOf(ExtendedClientException.class)
        .hasMessageContaining("does not fit the queue's MaximumMessageSize of 1024 bytes")
        .hasMessageContaining(queueUrl);
    assertThat(objectKeys()).isEmpty();
    assertThat(limits.refused(queueUrl)).isZero();
  }

  @Test
  void auto_deadLetterQueueAt256KiBBesideSourceAt1MiB_offloadsOnlyTheDeadLetter() {
    String source = queueAt(QUEUE_1_MIB);
    String dlq = queueAt(QUEUE_256_KIB);
    SqsClient client = extendedClient();
    String body = text(900_000, 60);

    client.sendMessage(r -> r.queueUrl(source).messageBody(body));
    Message received = receiveOne(client, source);
    assertThat(received.body()).isEqualTo(body);
    assertThat(objectKeys()).isEmpty();
    // what sqsx's consumer does to dead-letter a message: send its body and attributes, with the
    // reason, to the DLQ through the same client, then delete the original
    Map<String, MessageAttributeValue> withReason = new HashMap<>(received.messageAttributes());
    withReason.put("sqsx-dlq-reason", string("handler failed"));
    client.sendMessage(
        r -> r.queueUrl(dlq).messageBody(received.body()).messageAttributes(withReason));
    client.deleteMessage(r -> r.queueUrl(source).receiptHandle(received.receiptHandle()));

    assertThat(objectKeys()).hasSize(1);
    Message deadLetter = receiveOne(client, dlq);
    assertThat(deadLetter.body()).isEqualTo(body);
    assertThat(deadLetter.messageAttributes()).containsOnlyKeys("sqsx-dlq-reason");
    assertThat(limits.refused(source)).isZero();
    assertThat(limits.refused(dlq)).isZero();
  }

  @Test
  void auto_queueLimitLoweredWhileKept_refusedInlineSendIsOffloadedAfterAFreshRead() {
    String queueUrl = queueAt(QUEUE_1_MIB);
    SqsClient client = extendedClient();
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(text(900_000, 70)));
    // the queue's limit is lowered while the client keeps the old one (5 min)
    limits.declare(queueUrl, QUEUE_256_KIB);
    String body = text(900_000, 71);

    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));

    List<Message> raw = receiveAll(sqs, queueUrl, 3);
    assertThat(raw)
        .filteredOn(m -> m.messageAttributes().containsKey("ExtendedPayloadSize"))
        .hasSize(2);
    assertThat(objectKeys()).hasSize(2);
    // SQS refused the first send after the change once; the limit was read again, once
    assertThat(limits.refused(queueUrl)).isEqualTo(1);
    assertThat(limits.reads(queueUrl)).isEqualTo(2);
  }

  @Test
  void auto_queueLimitLoweredWhileKept_refusedInlineBatchIsPlannedAgainAfterAFreshRead() {
    String queueUrl = queueAt(QUEUE_1_MIB);
    SqsClient client = extendedClient();
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(text(900_000, 72)));
    limits.declare(queueUrl, QUEUE_256_KIB);

    SendMessageBatchResponse response =
        client.sendMessageBatch(
            r ->
                r.queueUrl(queueUrl)
                    .entries(entry("small", text(100_000, 73)), entry("large", text(400_000, 74))));

    assertThat(response.successful())
        .extracting(e -> e.id())
        .containsExactlyInAnyOrder("small", "large");
    assertThat(response.failed()).isEmpty();
    assertThat(receiveAll(sqs, queueUrl, 3))
        .filteredOn(m -> m.messageAttributes().containsKey("ExtendedPayloadSize"))
        .hasSize(1);
    assertThat(objectKeys()).hasSize(1);
    assertThat(limits.refused(queueUrl)).isEqualTo(1);
    assertThat(limits.reads(queueUrl)).isEqualTo(2);
  }

  @Test
  void auto_queueLimitLoweredWhileKept_entriesRefusedAloneAreSentAgainOffloaded() {
    String queueUrl = queueAt(QUEUE_1_MIB);
    limits.refuseEntriesAlone();
    SqsClient client = extendedClient();
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(text(900_000, 75)));
    limits.declare(queueUrl, QUEUE_256_KIB);

    SendMessageBatchResponse response =
        client.sendMessageBatch(
            r ->
                r.queueUrl(queueUrl)
                    .entries(
                        entry("small", text(100_000, 76)),
                        entry("large", text(400_000, 77)),
                        entry("larger", text(500_000, 78))));

    assertThat(response.failed()).isEmpty();
    assertThat(response.successful())
        .extracting(e -> e.id())
        .containsExactlyInAnyOrder("small", "large", "larger");
    List<Message> raw = receiveAll(sqs, queueUrl, 4);
    assertThat(raw).filteredOn(m -> m.body().equals(text(100_000, 76))).hasSize(1);
    assertThat(raw)
        .filteredOn(m -> m.messageAttributes().containsKey("ExtendedPayloadSize"))
        .hasSize(2);
    assertThat(objectKeys()).hasSize(2);
    assertThat(limits.refused(queueUrl)).isEqualTo(2);
    assertThat(limits.reads(queueUrl)).isEqualTo(2);
  }

  private static SendMessageBatchRequestEntry entry(String id, String body) {
    return SendMessageBatchRequestEntry.builder().id(id).messageBody(body).build();
  }

  List<String> objectKeys() {
    return s3.listObjectsV2(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList();
  }
}
