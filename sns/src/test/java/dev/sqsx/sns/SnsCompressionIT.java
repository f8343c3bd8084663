/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import static dev.sqsx.sns.SnsFanOutIT.receive;
import static dev.sqsx.sns.SnsFanOutIT.snsClient;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.extended.Compression;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.sns.LocalSns;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Compression through SNS (issue #35): a compressed publication reaches raw and enveloped
 * subscriptions, inline when it fits the topic and stored compressed when not, and sqsx readers get
 * the published message back.
 */
@LocalAws
class SnsCompressionIT {

  @Test
  void compressedPublications_inlineAndStored_reachRawAndEnvelopedSubscribersIntact(
      SqsClient sqs, S3Client s3, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    String raw = aws.createQueue();
    String enveloped = aws.createQueue();
    String json = orders(600_000);
    String letters = letters(900_000);
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      sns.subscribe(topic, aws.queueArn(raw), true);
      sns.subscribe(topic, aws.queueArn(enveloped), false);
      SnsExtendedClient publisher =
          SnsExtendedClient.builder()
              .snsClient(plain)
              .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
              .compression(Compression.GZIP)
              .build();

      publisher.publish(r -> r.topicArn(topic).message(json));
      assertThat(sns.publications().get(0).messageAttributes().get(Compression.ATTRIBUTE))
          .extracting(a -> a.stringValue())
          .isEqualTo("gzip");
      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
          .as("600 KB of JSON fits the topic's 262,144 bytes compressed: nothing stored")
          .isEmpty();
      publisher.publish(r -> r.topicArn(topic).message(letters));
      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
          .as("900 KB of letters does not: stored compressed")
          .hasSize(1);

      SqsClient reader =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
              .snsEnvelopes(true)
              .build();
      for (String queue : new String[] {raw, enveloped}) {
        assertThat(receive(reader, queue, 2))
            .extracting(m -> m.body())
            .containsExactlyInAnyOrder(json, letters);
      }
    }
  }

  @Test
  void compressedBatch_fromTheAsyncPublisher_reachesTheSubscriberIntact(
      SqsClient sqs, S3Client s3, S3AsyncClient s3Async, AwsEndpoints endpoints, AwsResources aws)
      throws Exception {
    String bucket = aws.createBucket();
    String raw = aws.createQueue();
    String json = orders(300_000);
    String small = "small";
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsAsyncClient plain =
            SnsAsyncClient.builder()
                .region(endpoints.region())
                .credentialsProvider(endpoints.credentialsProvider())
                .endpointOverride(sns.endpoint())
                .build()) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      sns.subscribe(topic, aws.queueArn(raw), true);
      SnsExtendedAsyncClient publisher =
          SnsExtendedAsyncClient.builder()
              .snsAsyncClient(plain)
              .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
              .compression(Compression.GZIP)
              .build();

      PublishBatchResponse response =
          publisher
              .publishBatch(
                  r ->
                      r.topicArn(topic)
                          .publishBatchRequestEntries(
                              PublishBatchRequestEntry.builder().id("json").message(json).build(),
                              PublishBatchRequestEntry.builder()
                                  .id("small")
                                  .message(small)
                                  .build()))
              .get();

      assertThat(response.failed()).isEmpty();
      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
      SqsClient reader =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
              .build();
      assertThat(receive(reader, raw, 2))
          .extracting(m -> m.body())
          .containsExactlyInAnyOrder(json, small);
    }
  }

  static String orders(int size) {
    Random random = new Random(size);
    StringBuilder json = new StringBuilder(size + 200).append('[');
    for (int i = 0; json.length() < size; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"orderId\":\"ord-")
          .append(random.nextInt(1_000_000))
          .append("\",\"lines\":[{\"sku\":\"widget-")
          .append(random.nextInt(10_000))
          .append("\",\"quantity\":")
          .append(1 + random.nextInt(20))
          .append("}]}");
    }
    return json.append(']').toString();
  }

  static String letters(int size) {
    Random random = new Random(size);
    StringBuilder text = new StringBuilder(size);
    for (int i = 0; i < size; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }
}
