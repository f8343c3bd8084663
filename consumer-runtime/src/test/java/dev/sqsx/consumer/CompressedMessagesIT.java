/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.extended.Compression;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Compressed messages (issue #35) through the consumer: what cannot be decompressed — an encoding
 * sqsx does not know, a zip bomb — is dead-lettered with its reason and never reaches the handler;
 * a compressed message that its handler dead-letters stays readable in the DLQ.
 */
@LocalAws
class CompressedMessagesIT {

  @Test
  void unknownEncodingAndZipBomb_areDeadLetteredWithTheirReason_neverHandedToTheHandler(
      SqsClient sqs, SqsAsyncClient sqsAsync, S3AsyncClient s3Async, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(2));
    PayloadFailureBridge failures = new PayloadFailureBridge();
    SqsExtendedAsyncClient extended =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(
                S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(aws.createBucket()).build())
            .maxPayloadSize(1 << 20)
            .resolutionListener(failures)
            .build();
    List<String> handled = new CopyOnWriteArrayList<>();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(extended)
            .queueUrl(queue.queueUrl())
            .payloadFailures(failures)
            .waitTime(Duration.ofSeconds(1))
            .handler(m -> handled.add(m.body()))
            .build();
    sqs.sendMessage(
        r ->
            r.queueUrl(queue.queueUrl())
                .messageBody(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}))
                .messageAttributes(Map.of(Compression.ATTRIBUTE, string("br"))));
    sqs.sendMessage(
        r ->
            r.queueUrl(queue.queueUrl())
                .messageBody(Base64.getEncoder().encodeToString(gzipZeros(64L << 20)))
                .messageAttributes(Map.of(Compression.ATTRIBUTE, string("gzip"))));

    consumer.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deadLettered() == 2);
    } finally {
      consumer.close();
    }

    assertThat(handled).as("the handler never saw compressed bytes").isEmpty();
    List<Message> dead = receive(sqs, queue.dlqUrl(), 2);
    assertThat(dead)
        .allSatisfy(
            m ->
                assertThat(m.messageAttributes().get("sqsx.ErrorClass").stringValue())
                    .isEqualTo("dev.sqsx.extended.PayloadEncodingException"));
    assertThat(dead)
        .extracting(m -> m.messageAttributes().get("sqsx.ErrorMessage").stringValue())
        .anySatisfy(reason -> assertThat(reason).contains("unknown content encoding 'br'"))
        .anySatisfy(
            reason ->
                assertThat(reason)
                    .contains("decompresses to more than maxPayloadSize, 1048576 bytes"));
    assertThat(dead)
        .as("the DLQ copies are as SQS held them: still marked")
        .allSatisfy(m -> assertThat(m.messageAttributes()).containsKey(Compression.ATTRIBUTE));
  }

  @Test
  void aCompressedStoredMessageItsHandlerRefuses_isReadableFromTheDlq(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(2));
    String bucket = aws.createBucket();
    SqsExtendedAsyncClient extended =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
            .payloadSizeThreshold(256 * 1024)
            .compression(Compression.GZIP)
            .build();
    String body = letters(900 * 1024);
    extended.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody(body)).join();
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).hasSize(1);
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(extended)
            .queueUrl(queue.queueUrl())
            .waitTime(Duration.ofSeconds(1))
            .handler(
                m -> {
                  throw new NonRetryableException("refused by the handler");
                })
            .build();

    consumer.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deadLettered() == 1);
    } finally {
      consumer.close();
    }

    SqsClient reader =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
            .build();
    Message copy = receive(reader, queue.dlqUrl(), 1).get(0);
    assertThat(copy.body()).isEqualTo(body);
    assertThat(copy.messageAttributes().get("sqsx.ErrorMessage").stringValue())
        .isEqualTo("refused by the handler");
  }

  /**
   * An SNS notification whose message was published compressed and went inline (600 KB of JSON,
   * gzip in base64 inside the envelope), dead-lettered by its handler: the DLQ copy must be the
   * envelope as SNS delivered it — still compressed and marked — not an envelope around the 600 KB
   * decompressed body, which no longer fits a message (the extended client offloads it, and a
   * reader then gets the envelope's JSON as the body).
   */
  @Test
  void aCompressedInlineSnsNotificationItsHandlerRefuses_isReadableFromTheDlq(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(2));
    String bucket = aws.createBucket();
    String body = orders(600 * 1024);
    String compressed = Base64.getEncoder().encodeToString(gzip(body));
    assertThat(compressed.length()).isLessThan(200 * 1024);
    String envelope =
        "{\"Type\":\"Notification\",\"MessageId\":\"sns-1\","
            + "\"TopicArn\":\"arn:aws:sns:us-east-1:000000000000:orders\","
            + "\"Message\":\""
            + compressed
            + "\",\"Timestamp\":\"2026-12-03T19:00:00.000Z\","
            + "\"MessageAttributes\":{\""
            + Compression.ATTRIBUTE
            + "\":{\"Type\":\"String\",\"Value\":\"gzip\"}}}";
    sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody(envelope));
    SqsExtendedAsyncClient extended =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
            .snsEnvelopes(true)
            .build();
    List<String> handled = new CopyOnWriteArrayList<>();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(extended)
            .queueUrl(queue.queueUrl())
            .waitTime(Duration.ofSeconds(1))
            .handler(
                m -> {
                  handled.add(m.body());
                  throw new NonRetryableException("refused by the handler");
                })
            .build();

    consumer.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deadLettered() == 1);
    } finally {
      consumer.close();
    }

    assertThat(handled).containsExactly(body);
    SqsClient reader =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
            .snsEnvelopes(true)
            .build();
    Message copy = receive(reader, queue.dlqUrl(), 1).get(0);
    assertThat(copy.body().length()).as("the DLQ copy's body length").isEqualTo(body.length());
    assertThat(copy.body()).isEqualTo(body);
    assertThat(copy.messageAttributes().get("sqsx.ErrorMessage").stringValue())
        .isEqualTo("refused by the handler");
  }

  /**
   * An SNS notification of 150 KB of JSON, not compressed, dead-lettered by a consumer whose client
   * compresses what it sends: the envelope goes to the DLQ compressed, and a reader must get the
   * notification's message back, not the envelope's JSON.
   */
  @Test
  void anSnsNotificationDeadLetteredThroughACompressingClient_isReadableFromTheDlq(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(2));
    String bucket = aws.createBucket();
    String body = orders(150 * 1024);
    String envelope =
        "{\"Type\":\"Notification\",\"MessageId\":\"sns-2\","
            + "\"TopicArn\":\"arn:aws:sns:us-east-1:000000000000:orders\","
            + "\"Message\":\""
            + body.replace("\"", "\\\"")
            + "\",\"Timestamp\":\"2026-12-03T19:00:00.000Z\"}";
    sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody(envelope));
    SqsExtendedAsyncClient extended =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
            .snsEnvelopes(true)
            .compression(Compression.GZIP)
            .build();
    List<String> handled = new CopyOnWriteArrayList<>();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(extended)
            .queueUrl(queue.queueUrl())
            .waitTime(Duration.ofSeconds(1))
            .handler(
                m -> {
                  handled.add(m.body());
                  throw new NonRetryableException("refused by the handler");
                })
            .build();

    consumer.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deadLettered() == 1);
    } finally {
      consumer.close();
    }

    assertThat(handled).containsExactly(body);
    SqsClient reader =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
            .snsEnvelopes(true)
            .build();
    Message copy = receive(reader, queue.dlqUrl(), 1).get(0);
    assertThat(copy.body().length()).as("the DLQ copy's body length").isEqualTo(body.length());
    assertThat(copy.body()).isEqualTo(body);
  }

  private static List<Message> receive(SqsClient client, String queueUrl, int count) {
    List<Message> received = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              received.addAll(
                  client
                      .receiveMessage(
                          r ->
                              r.queueUrl(queueUrl)
                                  .maxNumberOfMessages(10)
                                  .waitTimeSeconds(1)
                                  .messageAttributeNames("All"))
                      .messages());
              return received.size() >= count;
            });
    return received;
  }

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  private static String letters(int size) {
    Random random = new Random(size);
    StringBuilder text = new StringBuilder(size);
    for (int i = 0; i < size; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  private static byte[] gzip(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String orders(int size) {
    Random random = new Random(size);
    StringBuilder json = new StringBuilder(size + 200).append('[');
    for (int i = 0; json.length() < size; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"orderId\":\"ord-")
          .append(random.nextInt(1_000_000))
          .append("\",\"quantity\":")
          .append(1 + random.nextInt(20))
          .append('}');
    }
    return json.append(']').toString();
  }

  private static byte[] gzipZeros(long count) {
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
