/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import static dev.sqsx.sns.SnsFanOutIT.payload;
import static dev.sqsx.sns.SnsFanOutIT.receive;
import static dev.sqsx.sns.SnsFanOutIT.snsClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqsx.extended.ExtendedClientException;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.sns.LocalSns;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.sns.AmazonSNSExtendedClient;
import software.amazon.sns.SNSExtendedClientConfiguration;

/**
 * sqsx's SNS publisher against AWS's {@code sns-extended-client} 2.1.0 on the points where their
 * wire behaviour is defined: the {@code S3Key} message attribute names the object, and the marker
 * counts against the threshold with the other attributes.
 */
@LocalAws
class SnsWireCompatibilityIT {

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  @Test
  void anS3KeyAttribute_namesTheObject_asAwsSnsExtendedClientDoes_syncAndAsync(
      SqsClient sqs, S3Client s3, S3AsyncClient s3Async, AwsEndpoints endpoints, AwsResources aws) {
    String awsBucket = aws.createBucket();
    String sqsxBucket = aws.createBucket();
    String queue = aws.createQueue();
    String body = payload(300_000);
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      sns.subscribe(topic, aws.queueArn(queue), true);
      new AmazonSNSExtendedClient(
              plain, new SNSExtendedClientConfiguration().withPayloadSupportEnabled(s3, awsBucket))
          .publish(
              r ->
                  r.topicArn(topic)
                      .message(body)
                      .messageAttributes(Map.of("S3Key", string("orders/o-17"))));
      S3PayloadStore store =
          S3PayloadStore.builder().s3Client(s3).s3AsyncClient(s3Async).bucket(sqsxBucket).build();
      SnsExtendedClient.builder()
          .snsClient(plain)
          .payloadStore(store)
          .build()
          .publish(
              r ->
                  r.topicArn(topic)
                      .message(body)
                      .messageAttributes(Map.of("S3Key", string("orders/o-17"))));
      SnsExtendedAsyncClient.builder()
          .snsAsyncClient(
              software.amazon.awssdk.services.sns.SnsAsyncClient.builder()
                  .region(endpoints.region())
                  .credentialsProvider(endpoints.credentialsProvider())
                  .endpointOverride(sns.endpoint())
                  .build())
          .payloadStore(store)
          .build()
          .publish(
              r ->
                  r.topicArn(topic)
                      .message(body)
                      .messageAttributes(Map.of("S3Key", string("orders/o-18"))))
          .join();

      List<LocalSns.Publication> published = sns.publications();
      assertThat(published).hasSize(3);
      assertThat(published.get(1).message())
          .as("sqsx's pointer is AWS's, but for the bucket")
          .isEqualTo(published.get(0).message().replace(awsBucket, sqsxBucket));
      assertThat(published.get(1).message()).contains("\"s3Key\":\"orders/o-17\"");
      assertThat(published.get(2).message()).contains("\"s3Key\":\"orders/o-18\"");
      assertThat(published.get(1).messageAttributes())
          .as("the S3Key attribute goes on with the message, as AWS's client sends it")
          .containsOnlyKeys("S3Key", "ExtendedPayloadSize")
          .isEqualTo(published.get(0).messageAttributes());
      assertThat(s3.listObjectsV2(r -> r.bucket(sqsxBucket)).contents())
          .extracting(S3Object::key)
          .containsExactlyInAnyOrder("orders/o-17", "orders/o-18");

      SqsExtendedClient reader =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadStore(
                  S3PayloadStore.builder()
                      .s3Client(s3)
                      .bucket(sqsxBucket)
                      .allowedBuckets(java.util.Set.of(awsBucket))
                      .build())
              .cleanupPayload(false)
              .build();
      assertThat(receive(reader, queue, 3))
          .extracting(software.amazon.awssdk.services.sqs.model.Message::body)
          .containsOnly(body);
    }
  }

  @Test
  void aRefusedPublishUnderANamedKey_keepsTheObject_anEarlierPublicationMayPointAtIt(
      SqsClient sqs, S3Client s3, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      SnsExtendedClient publisher =
          SnsExtendedClient.builder()
              .snsClient(plain)
              .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
              .build();
      String body = payload(300_000);
      publisher.publish(
          r -> r.topicArn(topic).message(body).messageAttributes(Map.of("S3Key", string("o-19"))));
      String missing = "arn:aws:sns:" + endpoints.region().id() + ":000000000000:no-such-topic";

      assertThatThrownBy(
              () ->
                  publisher.publish(
                      r ->
                          r.topicArn(missing)
                              .message(body)
                              .messageAttributes(Map.of("S3Key", string("o-19")))))
          .isInstanceOf(NotFoundException.class);

      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
          .extracting(S3Object::key)
          .as("the first publication points at o-19: the refused second one must not delete it")
          .containsExactly("o-19");
    }
  }

  @Test
  void anS3KeyOutsideTheStoresKeyPrefix_isRefusedBeforeAnythingIsStored(
      SqsClient sqs, S3Client s3, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      SnsExtendedClient publisher =
          SnsExtendedClient.builder()
              .snsClient(plain)
              .payloadStore(
                  S3PayloadStore.builder().s3Client(s3).bucket(bucket).keyPrefix("orders/").build())
              .build();

      assertThatThrownBy(
              () ->
                  publisher.publish(
                      r ->
                          r.topicArn(topic)
                              .message(payload(300_000))
                              .messageAttributes(Map.of("S3Key", string("invoices/i-1")))))
          .isInstanceOf(ExtendedClientException.class)
          .hasStackTraceContaining("keyPrefix 'orders/'");
      publisher.publish(
          r ->
              r.topicArn(topic)
                  .message(payload(300_000))
                  .messageAttributes(Map.of("S3Key", string("orders/o-1"))));

      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
          .extracting(S3Object::key)
          .containsExactly("orders/o-1");
      assertThat(sns.publications()).hasSize(1);
    }
  }

  @Test
  void theMarkerCountsAgainstTheThreshold_withTheOtherAttributes_asAwsSnsExtendedClientCounts(
      SqsClient sqs, S3Client s3, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      int threshold = 1_000;
      // name 4 + "String" 6 + value: 990 bytes, under the threshold; with the marker
      // ("ExtendedPayloadSize" 19 + "Number" 6 + "2000" 4 = 29 bytes) 1,019, over it
      Map<String, MessageAttributeValue> attributes = Map.of("note", string("n".repeat(980)));
      String body = payload(2_000);
      AmazonSNSExtendedClient awsPublisher =
          new AmazonSNSExtendedClient(
              plain,
              new SNSExtendedClientConfiguration()
                  .withPayloadSupportEnabled(s3, bucket)
                  .withPayloadSizeThreshold(threshold));
      assertThatThrownBy(
              () ->
                  awsPublisher.publish(
                      r -> r.topicArn(topic).message(body).messageAttributes(attributes)))
          .as("AWS's client counts the marker with the attributes")
          .isInstanceOf(SdkClientException.class)
          .hasMessageContaining("1019 bytes");
      s3.listObjectsV2(r -> r.bucket(bucket))
          .contents()
          .forEach(orphan -> s3.deleteObject(r -> r.bucket(bucket).key(orphan.key())));

      SnsExtendedClient publisher =
          SnsExtendedClient.builder()
              .snsClient(plain)
              .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
              .payloadSizeThreshold(threshold)
              .build();
      assertThatThrownBy(
              () ->
                  publisher.publish(
                      r -> r.topicArn(topic).message(body).messageAttributes(attributes)))
          .isInstanceOf(ExtendedClientException.class)
          .hasMessageContaining("with the payload size marker are 1019 bytes");

      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount())
          .as("sqsx refuses before storing (AWS's client leaves the object it stored)")
          .isZero();
      assertThat(sns.publications()).isEmpty();
    }
  }

  /**
   * Review of issue #30: two entries of one {@code PublishBatch} naming the same {@code S3Key}
   * store their payloads under one object, so one entry's subscribers would read the other entry's
   * body (AWS's client offloads no batch: this rule is sqsx's own). The batch must be refused
   * before anything is stored, sync and async.
   */
  @Test
  void publishBatch_twoEntriesNamingTheSameS3Key_isRefusedBeforeAnythingIsStored_syncAndAsync(
      SqsClient sqs, S3Client s3, S3AsyncClient s3Async, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns);
        software.amazon.awssdk.services.sns.SnsAsyncClient plainAsync =
            software.amazon.awssdk.services.sns.SnsAsyncClient.builder()
                .region(endpoints.region())
                .credentialsProvider(endpoints.credentialsProvider())
                .endpointOverride(sns.endpoint())
                .build()) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      S3PayloadStore store =
          S3PayloadStore.builder().s3Client(s3).s3AsyncClient(s3Async).bucket(bucket).build();
      software.amazon.awssdk.services.sns.model.PublishBatchRequest batch =
          software.amazon.awssdk.services.sns.model.PublishBatchRequest.builder()
              .topicArn(topic)
              .publishBatchRequestEntries(
                  List.of(
                      software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry.builder()
                          .id("a")
                          .message("A".repeat(300_000))
                          .messageAttributes(Map.of("S3Key", string("orders/o-20")))
                          .build(),
                      software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry.builder()
                          .id("b")
                          .message("B".repeat(300_000))
                          .messageAttributes(Map.of("S3Key", string("orders/o-20")))
                          .build()))
              .build();
      SnsExtendedClient publisher =
          SnsExtendedClient.builder().snsClient(plain).payloadStore(store).build();
      SnsExtendedAsyncClient asyncPublisher =
          SnsExtendedAsyncClient.builder().snsAsyncClient(plainAsync).payloadStore(store).build();

      assertThatThrownBy(() -> publisher.publishBatch(batch))
          .as("sync: two entries, one object")
          .isInstanceOf(ExtendedClientException.class)
          .hasMessageContaining("orders/o-20");
      assertThatThrownBy(() -> asyncPublisher.publishBatch(batch).join())
          .as("async: two entries, one object")
          .hasCauseInstanceOf(ExtendedClientException.class)
          .hasStackTraceContaining("orders/o-20");

      assertThat(sns.publications()).as("nothing published").isEmpty();
      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount()).as("nothing stored").isZero();
    }
  }
}
