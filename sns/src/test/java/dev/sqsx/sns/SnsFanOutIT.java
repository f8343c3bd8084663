/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.amazon.sqs.javamessaging.AmazonSQSExtendedClient;
import com.amazon.sqs.javamessaging.ExtendedClientConfiguration;
import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.extended.ExtendedMessages;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SnsNotification;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.sns.LocalSns;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.sns.AmazonSNSExtendedClient;
import software.amazon.sns.SNSExtendedClientConfiguration;

/**
 * Large payloads through SNS to subscribed queues, both ways between sqsx and AWS's libraries:
 * AWS's SNS extended client → sqsx's extended client and consumer (envelope and raw delivery),
 * sqsx's SNS client → AWS's SQS extended client (raw delivery), and the fan-out rule — a payload
 * that came through SNS is never deleted by a subscriber.
 */
@LocalAws
class SnsFanOutIT {

  static SnsClient snsClient(AwsEndpoints endpoints, LocalSns sns) {
    return SnsClient.builder()
        .region(endpoints.region())
        .credentialsProvider(endpoints.credentialsProvider())
        .endpointOverride(sns.endpoint())
        .build();
  }

  static String payload(int bytes) {
    StringBuilder payload = new StringBuilder(bytes);
    for (int i = 0; payload.length() < bytes; i++) {
      payload.append("order-").append(i).append(';');
    }
    return payload.substring(0, bytes);
  }

  static List<Message> receive(SqsClient client, String queueUrl, int count) {
    List<Message> received = new CopyOnWriteArrayList<>();
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

  @Test
  void awsSnsExtendedClient_toSqsxExtendedClient_throughTheEnvelope_andRaw(
      SqsClient sqs, S3Client s3, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    String enveloped = aws.createQueue();
    String raw = aws.createQueue();
    String body = payload(300_000);
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      sns.subscribe(topic, aws.queueArn(enveloped), false);
      sns.subscribe(topic, aws.queueArn(raw), true);
      AmazonSNSExtendedClient awsPublisher =
          new AmazonSNSExtendedClient(
              plain, new SNSExtendedClientConfiguration().withPayloadSupportEnabled(s3, bucket));

      awsPublisher.publish(
          r ->
              r.topicArn(topic)
                  .message(body)
                  .messageAttributes(
                      Map.of(
                          "kind",
                          MessageAttributeValue.builder()
                              .dataType("String")
                              .stringValue("order")
                              .build())));

      LocalSns.Publication published = sns.publications().get(0);
      assertThat(published.message())
          .as("AWS's pointer went through SNS")
          .startsWith("[\"software.amazon.payloadoffloading.PayloadS3Pointer\",");
      assertThat(published.messageAttributes().get("ExtendedPayloadSize").stringValue())
          .isEqualTo("300000");

      SqsExtendedClient reader =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
              .snsEnvelopes(true)
              .build();
      Message fromEnvelope = receive(reader, enveloped, 1).get(0);
      assertThat(fromEnvelope.body()).isEqualTo(body);
      assertThat(fromEnvelope.messageAttributes().get("kind").stringValue()).isEqualTo("order");
      assertThat(fromEnvelope.messageAttributes()).doesNotContainKey("ExtendedPayloadSize");
      assertThat(SnsNotification.topicArnOf(fromEnvelope)).contains(topic);
      assertThat(SnsNotification.messageIdOf(fromEnvelope)).contains(published.messageId());
      assertThat(ExtendedMessages.sharedPayload(fromEnvelope.receiptHandle())).isTrue();

      Message fromRaw = receive(reader, raw, 1).get(0);
      assertThat(fromRaw.body())
          .as("raw delivery: a pointer message as SQS knows it")
          .isEqualTo(body);
      assertThat(SnsNotification.topicArnOf(fromRaw)).as("raw delivery carries no topic").isEmpty();

      reader.deleteMessage(r -> r.queueUrl(enveloped).receiptHandle(fromEnvelope.receiptHandle()));
      assertThat(aws.messagesIn(enveloped)).isZero();
      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount())
          .as("deleting a message that came through SNS leaves the shared payload")
          .isEqualTo(1);

      // Raw delivery looks like any pointer message: its readers are configured not to delete.
      SqsExtendedClient rawReader =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
              .cleanupPayload(false)
              .build();
      rawReader.deleteMessage(r -> r.queueUrl(raw).receiptHandle(fromRaw.receiptHandle()));
      assertThat(aws.messagesIn(raw)).isZero();
      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount()).isEqualTo(1);
    }
  }

  @Test
  void sqsxSnsExtendedClient_toAwsSqsExtendedClient_withRawDelivery(
      SqsClient sqs, S3Client s3, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    String raw = aws.createQueue();
    String body = payload(600_000);
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      sns.subscribe(topic, aws.queueArn(raw), true);
      SnsExtendedClient publisher =
          SnsExtendedClient.builder()
              .snsClient(plain)
              .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
              .build();

      publisher.publish(r -> r.topicArn(topic).message(body));

      LocalSns.Publication published = sns.publications().get(0);
      assertThat(published.message())
          .startsWith(
              "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\""
                  + bucket
                  + "\",\"s3Key\":\"");
      assertThat(published.messageAttributes().get("ExtendedPayloadSize").dataType())
          .isEqualTo("Number");
      assertThat(published.messageAttributes().get("ExtendedPayloadSize").stringValue())
          .isEqualTo("600000");

      AmazonSQSExtendedClient awsReader =
          new AmazonSQSExtendedClient(
              sqs, new ExtendedClientConfiguration().withPayloadSupportEnabled(s3, bucket));
      Message received = receive(awsReader, raw, 1).get(0);
      assertThat(received.body()).isEqualTo(body);
    }
  }

  @Test
  void sqsxConsumers_onAnEnvelopeAndARawSubscription_bothGetThePayload_andNeitherDeletesIt(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsEndpoints endpoints,
      AwsResources aws) {
    String bucket = aws.createBucket();
    String enveloped = aws.createQueue();
    String raw = aws.createQueue();
    String body = payload(700_000);
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      sns.subscribe(topic, aws.queueArn(enveloped), false);
      sns.subscribe(topic, aws.queueArn(raw), true);
      new AmazonSNSExtendedClient(
              plain, new SNSExtendedClientConfiguration().withPayloadSupportEnabled(s3, bucket))
          .publish(r -> r.topicArn(topic).message(body));
      S3PayloadStore store =
          S3PayloadStore.builder().s3Client(s3).s3AsyncClient(s3Async).bucket(bucket).build();
      SqsExtendedAsyncClient envelopeReader =
          SqsExtendedAsyncClient.builder()
              .sqsClient(sqsAsync)
              .payloadStore(store)
              .snsEnvelopes(true)
              .build();
      SqsExtendedAsyncClient rawReader =
          SqsExtendedAsyncClient.builder()
              .sqsClient(sqsAsync)
              .payloadStore(store)
              .cleanupPayload(false)
              .build();
      List<ReceivedMessage> handled = new CopyOnWriteArrayList<>();

      // One after the other: the second subscriber reads after the first deleted its message.
      for (Map.Entry<String, SqsExtendedAsyncClient> subscription :
          List.of(Map.entry(enveloped, envelopeReader), Map.entry(raw, rawReader))) {
        try (SqsConsumer consumer =
            SqsConsumer.builder()
                .sqsClient(subscription.getValue())
                .queueUrl(subscription.getKey())
                .waitTime(Duration.ofSeconds(1))
                .handler(handled::add)
                .build()) {
          consumer.start();
          await().atMost(Duration.ofSeconds(20)).until(() -> consumer.stats().deleted() == 1);
        }
      }

      assertThat(handled).extracting(ReceivedMessage::body).containsExactly(body, body);
      assertThat(handled.get(0).snsTopicArn()).contains(topic);
      assertThat(handled.get(0).snsMessageId()).contains(sns.publications().get(0).messageId());
      assertThat(handled.get(1).snsTopicArn()).as("raw delivery carries no topic").isEmpty();
      assertThat(aws.messagesIn(enveloped) + aws.messagesIn(raw)).isZero();
      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount())
          .as(
              "both subscribers handled and deleted their message; the payload stays for the"
                  + " bucket's lifecycle rule")
          .isEqualTo(1);
    }
  }

  @Test
  void withoutAPayloadStore_envelopesAreStillUnwrapped(
      SqsClient sqs, AwsEndpoints endpoints, AwsResources aws) {
    String enveloped = aws.createQueue();
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("events"));
      sns.subscribe(topic, aws.queueArn(enveloped), false);
      plain.publish(r -> r.topicArn(topic).message("{\"event\":\"created\"}").subject("hello"));

      SqsExtendedClient reader =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadSupportEnabled(false)
              .snsEnvelopes(true)
              .build();
      Message received = receive(reader, enveloped, 1).get(0);

      assertThat(received.body()).isEqualTo("{\"event\":\"created\"}");
      assertThat(SnsNotification.topicArnOf(received)).contains(topic);
    }
  }
}
