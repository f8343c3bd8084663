/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static dev.sqsx.extended.ExtendedClientBehaviour.receiveAll;
import static dev.sqsx.extended.ExtendedClientBehaviour.receiveOne;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sqsx.extended.internal.Digests;
import dev.sqsx.extended.internal.PointerCodec;
import dev.sqsx.extended.internal.ReceiptHandles;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiptHandleIsInvalidException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Compression (issue #35) against real SQS (ElasticMQ) and S3 (S3Proxy): what goes inline, what is
 * stored, what a reader gets back, and what it refuses (unknown encodings, corrupt streams, zip
 * bombs). Subclasses supply the client under test.
 */
@LocalAws
abstract class CompressionBehaviour {

  static final int KB = 1024;

  SqsClient sqs;
  SqsAsyncClient sqsAsync;
  S3Client s3;
  S3AsyncClient s3Async;
  String bucket;
  String queueUrl;
  AwsResources aws;
  final List<PayloadResolutionFailure> failures = new CopyOnWriteArrayList<>();

  /** The client under test, writing to {@code bucket}, with extra options applied. */
  abstract SqsClient extendedClient(Consumer<ExtendedClientBuilder<?>> options);

  @BeforeEach
  void setUp(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsResources aws) {
    this.sqs = sqs;
    this.sqsAsync = sqsAsync;
    this.s3 = s3;
    this.s3Async = s3Async;
    this.aws = aws;
    this.bucket = aws.createBucket();
    this.queueUrl = aws.createQueue();
  }

  private SqsClient compressing(Compression compression) {
    return extendedClient(
        o ->
            o.compression(compression)
                .payloadSizeThreshold(256 * KB)
                .resolutionListener(failures::add));
  }

  private SqsClient reader() {
    return extendedClient(o -> o.resolutionListener(failures::add));
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void compressedBodyThatFits_goesInlineWithTheMarker_andNothingIsStored(Compression compression) {
    String body = orders(600 * KB, 1);

    compressing(compression).sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));

    Message raw = receiveOne(sqs, queueUrl);
    assertThat(raw.messageAttributes().get(Compression.ATTRIBUTE).stringValue())
        .isEqualTo(compression.encoding());
    assertThat(raw.messageAttributes()).doesNotContainKey("ExtendedPayloadSize");
    assertThat(raw.body().length()).isLessThan(256 * KB);
    assertThat(objectKeys()).as("0 S3 requests: nothing stored").isEmpty();
    makeVisible(raw);

    Message read = receiveOne(reader(), queueUrl);
    assertThat(read.body()).isEqualTo(body);
    assertThat(read.md5OfBody())
        .as("the digest is over the decompressed bytes")
        .isEqualTo(Digests.md5Hex(body.getBytes(StandardCharsets.UTF_8)));
    assertThat(read.messageAttributes()).doesNotContainKey(Compression.ATTRIBUTE);
    assertThat(failures).isEmpty();
  }

  @Test
  void compressedBodyOverTheThreshold_isStoredCompressed_andReadAndDeletedLikeAnyPayload() {
    // random letters shrink to about 60%: 900 KB stays over 256 KB compressed
    String body = ExtendedClientBehaviour.text(900 * KB, 2);
    SqsClient client = compressing(Compression.GZIP);

    client.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody(body)
                .messageAttributes(Map.of("kind", string("order"))));

    Message raw = receiveOne(sqs, queueUrl);
    PayloadPointer pointer = PointerCodec.read(raw.body());
    assertThat(raw.messageAttributes().get(Compression.ATTRIBUTE).stringValue()).isEqualTo("gzip");
    String stored = s3.getObjectAsBytes(r -> r.bucket(bucket).key(pointer.key())).asUtf8String();
    assertThat(stored.length()).as("stored compressed (base64)").isLessThan(body.length());
    assertThat(raw.messageAttributes().get("ExtendedPayloadSize").stringValue())
        .isEqualTo(Integer.toString(stored.length()));
    makeVisible(raw);

    Message read = receiveOne(client, queueUrl);
    assertThat(read.body()).isEqualTo(body);
    assertThat(read.md5OfBody()).isEqualTo(Digests.md5Hex(body.getBytes(StandardCharsets.UTF_8)));
    assertThat(read.messageAttributes()).containsOnlyKeys("kind");
    client.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(read.receiptHandle()));
    assertThat(objectKeys()).isEmpty();
    assertThat(failures).isEmpty();
  }

  @Test
  void aCompressedStoredPayloadSentOnAsReceived_staysReadable() {
    String body = ExtendedClientBehaviour.text(900 * KB, 3);
    SqsClient client = compressing(Compression.GZIP);
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    Message read = receiveOne(client, queueUrl);

    // what a consumer's dead-letter step does: the message as SQS held it, to another queue
    ExtendedMessages.WireMessage wire = ExtendedMessages.asReceived(read).orElseThrow();
    String dlq = aws.createQueue();
    sqs.sendMessage(
        r -> r.queueUrl(dlq).messageBody(wire.body()).messageAttributes(wire.attributes()));

    assertThat(receiveOne(reader(), dlq).body()).isEqualTo(body);
    assertThat(failures).isEmpty();
  }

  @Test
  void smallOrIncompressibleBodies_goAsTheyAre() {
    SqsClient client =
        extendedClient(o -> o.compression(Compression.GZIP).compressionMinSize(1000));
    String small = orders(900, 4);
    byte[] noise = new byte[3000];
    new Random(5).nextBytes(noise);
    String incompressible = Base64.getEncoder().encodeToString(noise);

    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(small));
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(incompressible));

    List<Message> raw = receiveAll(sqs, queueUrl, 2);
    assertThat(raw).extracting(Message::body).containsExactlyInAnyOrder(small, incompressible);
    assertThat(raw).allSatisfy(m -> assertThat(m.messageAttributes()).isEmpty());
  }

  @Test
  void sendMessageBatch_compressesEachEntry_inlineWhereItFits_storedWhereNot() {
    SqsClient client = compressing(Compression.GZIP);
    String json = orders(700 * KB, 6);
    String letters = ExtendedClientBehaviour.text(900 * KB, 7);
    String small = "small";

    SendMessageBatchResponse response =
        client.sendMessageBatch(
            r ->
                r.queueUrl(queueUrl)
                    .entries(
                        entry("json", json), entry("letters", letters), entry("small", small)));

    assertThat(response.failed()).isEmpty();
    assertThat(objectKeys()).as("only the entry still too large is stored").hasSize(1);
    List<Message> raw = receiveAll(sqs, queueUrl, 3);
    assertThat(raw)
        .filteredOn(m -> m.messageAttributes().containsKey(Compression.ATTRIBUTE))
        .hasSize(2);
    raw.forEach(this::makeVisible);
    assertThat(receiveAll(reader(), queueUrl, 3))
        .extracting(Message::body)
        .containsExactlyInAnyOrder(json, letters, small);
    assertThat(failures).isEmpty();
  }

  // ---- what a reader refuses -------------------------------------------------------------------

  @Test
  void unknownEncoding_isAResolutionFailure_neverABody() {
    sqs.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}))
                .messageAttributes(Map.of(Compression.ATTRIBUTE, string("br"))));

    PayloadResolutionFailure failure = awaitFailure(reader());

    assertThat(failure.error())
        .isInstanceOf(PayloadEncodingException.class)
        .hasMessageContaining("unknown content encoding 'br'")
        .hasMessageContaining(queueUrl)
        .hasMessageContaining(failure.messageId());
    assertThat(failure.retryable()).as("dead-lettered, not retried").isFalse();
    assertThat(failure.deleted()).isFalse();
  }

  @Test
  void corruptGzipStream_failsItsChecksum_asAResolutionFailure() {
    byte[] gzip = gzip(orders(200 * KB, 8).getBytes(StandardCharsets.UTF_8));
    gzip[gzip.length / 2] ^= 0x40;
    sqs.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody(Base64.getEncoder().encodeToString(gzip))
                .messageAttributes(Map.of(Compression.ATTRIBUTE, string("gzip"))));

    PayloadResolutionFailure failure = awaitFailure(reader());

    assertThat(failure.error())
        .isInstanceOf(PayloadEncodingException.class)
        .hasMessageContaining("not a valid gzip stream");
    assertThat(failure.retryable()).isFalse();
  }

  @Test
  void inlineZipBomb_stopsAtMaxPayloadSize_namingQueueAndMessage() {
    // 256 MiB of zeros: about 250 KB gzip'd, inline
    byte[] bomb = gzipZeros(256L << 20);
    sqs.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody(Base64.getEncoder().encodeToString(bomb))
                .messageAttributes(Map.of(Compression.ATTRIBUTE, string("gzip"))));

    PayloadResolutionFailure failure = awaitFailure(reader());

    assertThat(failure.error())
        .isInstanceOf(PayloadEncodingException.class)
        .hasMessageContaining("decompresses to more than maxPayloadSize, 67108864 bytes")
        .hasMessageContaining(queueUrl)
        .hasMessageContaining(failure.messageId());
    assertThat(failure.retryable()).isFalse();
  }

  @Test
  void storedZipBomb_ofOneGigabyte_stopsAtMaxPayloadSize_namingQueueMessageAndPayload() {
    // 1 GiB of zeros: about 1 MB gzip'd, stored as an sqsx sender would store it
    String stored = Base64.getEncoder().encodeToString(gzipZeros(1L << 30));
    String key = "bomb";
    s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(stored));
    sqs.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody(PointerCodec.write(PayloadPointer.s3(bucket, key)))
                .messageAttributes(
                    Map.of(
                        "ExtendedPayloadSize",
                        MessageAttributeValue.builder()
                            .dataType("Number")
                            .stringValue(Integer.toString(stored.length()))
                            .build(),
                        Compression.ATTRIBUTE,
                        string("gzip"))));

    PayloadResolutionFailure failure =
        awaitFailure(
            extendedClient(o -> o.maxPayloadSize(8L << 20).resolutionListener(failures::add)));

    assertThat(failure.error())
        .isInstanceOf(PayloadEncodingException.class)
        .hasMessageContaining("decompresses to more than maxPayloadSize, 8388608 bytes")
        .hasMessageContaining(queueUrl)
        .hasMessageContaining(failure.messageId())
        .hasMessageContaining(key);
    assertThat(failure.retryable()).isFalse();
    assertThat(objectKeys()).as("the payload is left for the DLQ copy").containsExactly(key);
  }

  /**
   * Review of #35: a body that is not compressed but carries the marker (an attacker's, or a user's
   * own attribute of that name), and markers of another type, case or blank: each is a clear,
   * non-retryable failure naming what was wrong, never a body handed out.
   */
  @ParameterizedTest
  @CsvSource({
    "'a plain body, not base64', String, gzip, is not base64",
    "abcd, String, gzip, not a valid gzip stream",
    "'', String, gzip, is not base64",
    "H4sI, String, gzip, not a valid gzip stream",
    "plain, String, GZIP, unknown content encoding 'GZIP'",
    "plain, String, '   ', unknown content encoding ''",
    "plain, Binary, gzip, unknown content encoding ''",
    "plain, String.custom, zstd-ish, unknown content encoding 'zstd-ish'"
  })
  void aMarkedBodyThatIsNotCompressed_isARefusal_neverABody(
      String body, String dataType, String value, String reason) {
    MessageAttributeValue marker =
        dataType.equals("Binary")
            ? MessageAttributeValue.builder()
                .dataType("Binary")
                .binaryValue(SdkBytes.fromUtf8String(value))
                .build()
            : MessageAttributeValue.builder().dataType(dataType).stringValue(value).build();
    sqs.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody(body.isEmpty() ? " " : body)
                .messageAttributes(Map.of(Compression.ATTRIBUTE, marker)));

    PayloadResolutionFailure failure = awaitFailure(reader());

    assertThat(failure.error())
        .isInstanceOf(PayloadEncodingException.class)
        .hasMessageContaining(reason)
        .hasMessageContaining(queueUrl)
        .hasMessageContaining(failure.messageId());
    assertThat(failure.retryable()).isFalse();
    assertThat(failure.message().messageAttributes()).containsKey(Compression.ATTRIBUTE);
  }

  /** Review of #35: the marker on a pointer whose stored payload is not base64. */
  @Test
  void aMarkedPointerToAPayloadThatIsNotBase64_isARefusal_andThePayloadIsLeft() {
    String key = "plain";
    s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString("{\"not\": \"base64\"}"));
    sqs.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody(PointerCodec.write(PayloadPointer.s3(bucket, key)))
                .messageAttributes(
                    Map.of(
                        "ExtendedPayloadSize",
                        MessageAttributeValue.builder()
                            .dataType("Number")
                            .stringValue("17")
                            .build(),
                        Compression.ATTRIBUTE,
                        string("gzip"))));

    PayloadResolutionFailure failure = awaitFailure(reader());

    assertThat(failure.error())
        .isInstanceOf(PayloadEncodingException.class)
        .hasMessageContaining("is not base64")
        .hasMessageContaining(key);
    assertThat(failure.retryable()).isFalse();
    assertThat(objectKeys()).containsExactly(key);
  }

  /**
   * Review of #35: gzip members concatenated are one body (RFC 1952); the marker's value with
   * surrounding blanks is read as the encoding it names.
   */
  @Test
  void concatenatedGzipMembers_andABlankPaddedMarker_readAsTheWholeBody() {
    String first = orders(100 * KB, 11);
    String second = orders(50 * KB, 12);
    byte[] a = gzip(first.getBytes(StandardCharsets.UTF_8));
    byte[] b = gzip(second.getBytes(StandardCharsets.UTF_8));
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    sqs.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody(Base64.getEncoder().encodeToString(both))
                .messageAttributes(Map.of(Compression.ATTRIBUTE, string(" gzip "))));

    Message read = receiveOne(reader(), queueUrl);

    assertThat(read.body()).isEqualTo(first + second);
    assertThat(read.messageAttributes()).doesNotContainKey(Compression.ATTRIBUTE);
    assertThat(failures).isEmpty();
  }

  /**
   * Review of #35: the encoding marker forged into a receipt handle around a pointer to a bucket
   * the client does not own, in either order with the shared marker, deletes the message and never
   * the foreign object; a handle with the marker but no pointer is refused as malformed.
   */
  @Test
  void aForgedEncodingMarkerInAReceiptHandle_neverDeletesOutsideTheAllowedBuckets() {
    String foreign = aws.createBucket();
    s3.putObject(r -> r.bucket(foreign).key("victim"), RequestBody.fromString("keep me"));
    SqsClient reader = reader();
    PayloadPointer victim = PayloadPointer.s3(foreign, "victim");
    String encoding = "-..sqsxEncoding..-";
    for (int i = 0; i < 2; i++) {
      sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("plain"));
      Message raw = receiveOne(sqs, queueUrl);
      String forged =
          i == 0
              ? encoding + "gzip" + encoding + ReceiptHandles.embed(victim, raw.receiptHandle())
              : "-..sqsxShared..-"
                  + encoding
                  + "gzip"
                  + encoding
                  + ReceiptHandles.embed(victim, raw.receiptHandle());
      reader.changeMessageVisibility(
          r -> r.queueUrl(queueUrl).receiptHandle(forged).visibilityTimeout(30));
      reader.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(forged));
    }
    String bare = encoding + "gzip" + encoding + "AQEBhandle";
    assertThatThrownBy(() -> reader.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(bare)))
        .as("malformed: passed to SQS as it is, which rejects it")
        .isInstanceOf(ReceiptHandleIsInvalidException.class);

    assertThat(s3.listObjectsV2(r -> r.bucket(foreign)).contents())
        .extracting(S3Object::key)
        .containsExactly("victim");
    assertThat(sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1)).messages())
        .as("both messages were deleted with their real handles")
        .isEmpty();
  }

  /**
   * Review of #35: compressed messages with 8 attributes of the user's own (the most that leaves
   * room for the encoding and the size marker), inline and stored: the send's digests are SQS's,
   * and AWS's extended client — documented as unable to read them — loses nothing: it gets the
   * compressed bytes in base64 with the encoding attribute, which decode to the body.
   */
  @Test
  void compressedMessagesWithEightAttributes_haveSqsDigests_andAwsClientGetsTheEncodedBytes()
      throws IOException {
    Map<String, MessageAttributeValue> own = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 8; i++) {
      own.put("own" + i, string("value " + i));
    }
    String inline = orders(600 * KB, 21);
    String stored = ExtendedClientBehaviour.text(900 * KB, 22);
    SqsClient client = compressing(Compression.GZIP);
    var inlineSent =
        client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(inline).messageAttributes(own));
    Message rawInline = receiveOne(sqs, queueUrl);
    sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(rawInline.receiptHandle()));
    var storedSent =
        client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(stored).messageAttributes(own));
    Message rawStored = receiveOne(sqs, queueUrl);
    makeVisible(rawStored);

    assertThat(rawInline.messageAttributes()).hasSize(9).containsKey(Compression.ATTRIBUTE);
    assertThat(rawStored.messageAttributes())
        .hasSize(10)
        .containsKeys(Compression.ATTRIBUTE, "ExtendedPayloadSize");
    assertThat(inlineSent.md5OfMessageBody()).isEqualTo(rawInline.md5OfBody());
    assertThat(inlineSent.md5OfMessageAttributes()).isEqualTo(rawInline.md5OfMessageAttributes());
    assertThat(storedSent.md5OfMessageBody()).isEqualTo(rawStored.md5OfBody());
    assertThat(storedSent.md5OfMessageAttributes()).isEqualTo(rawStored.md5OfMessageAttributes());

    SqsClient aws =
        new com.amazon.sqs.javamessaging.AmazonSQSExtendedClient(
            sqs,
            new com.amazon.sqs.javamessaging.ExtendedClientConfiguration()
                .withPayloadSupportEnabled(s3, bucket));
    List<Message> got = new java.util.ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              got.addAll(
                  aws.receiveMessage(
                          r -> r.queueUrl(queueUrl).waitTimeSeconds(1).messageAttributeNames("All"))
                      .messages());
              return !got.isEmpty();
            });
    Message read = got.get(0);
    assertThat(read.messageAttributes().get(Compression.ATTRIBUTE).stringValue()).isEqualTo("gzip");
    try (var in =
        new java.util.zip.GZIPInputStream(
            new java.io.ByteArrayInputStream(Base64.getDecoder().decode(read.body())))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(stored);
    }
    assertThat(failures).isEmpty();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private PayloadResolutionFailure awaitFailure(SqsClient client) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              List<Message> handedOut =
                  client.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1)).messages();
              assertThat(handedOut).as("nothing is handed out as a body").isEmpty();
              return !failures.isEmpty();
            });
    return failures.get(0);
  }

  private void makeVisible(Message raw) {
    sqs.changeMessageVisibility(
        r -> r.queueUrl(queueUrl).receiptHandle(raw.receiptHandle()).visibilityTimeout(0));
  }

  private List<String> objectKeys() {
    return s3.listObjectsV2(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList();
  }

  private static SendMessageBatchRequestEntry entry(String id, String body) {
    return SendMessageBatchRequestEntry.builder().id(id).messageBody(body).build();
  }

  static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  /** JSON orders with line items, about {@code size} characters, the same for the same seed. */
  static String orders(int size, long seed) {
    Random random = new Random(seed);
    String[] products = {"widget", "gadget", "sprocket", "flange", "gear", "bolt", "nut", "valve"};
    StringBuilder json = new StringBuilder(size + 256).append("{\"orders\":[");
    int order = 0;
    while (json.length() < size) {
      json.append(order == 0 ? "" : ",")
          .append("{\"orderId\":\"ord-")
          .append(100_000 + random.nextInt(900_000))
          .append("\",\"customer\":{\"id\":")
          .append(random.nextInt(1_000_000))
          .append(",\"country\":\"")
          .append(random.nextBoolean() ? "DE" : "US")
          .append("\"},\"lines\":[");
      int lines = 1 + random.nextInt(8);
      for (int i = 0; i < lines; i++) {
        json.append(i == 0 ? "" : ",")
            .append("{\"sku\":\"")
            .append(products[random.nextInt(products.length)])
            .append('-')
            .append(random.nextInt(10_000))
            .append("\",\"quantity\":")
            .append(1 + random.nextInt(20))
            .append(",\"unitPrice\":")
            .append(random.nextInt(100_000) / 100.0)
            .append('}');
      }
      json.append("]}");
      order++;
    }
    return json.append("]}").toString();
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] gzipZeros(long count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] zeros = new byte[1 << 20];
    try (GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16)) {
      for (long written = 0; written < count; written += zeros.length) {
        gzip.write(zeros, 0, (int) Math.min(zeros.length, count - written));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
