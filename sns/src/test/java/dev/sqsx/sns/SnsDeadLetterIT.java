/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import static dev.sqsx.sns.SnsFanOutIT.payload;
import static dev.sqsx.sns.SnsFanOutIT.receive;
import static dev.sqsx.sns.SnsFanOutIT.snsClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.amazon.sqs.javamessaging.AmazonSQSExtendedClient;
import com.amazon.sqs.javamessaging.ExtendedClientConfiguration;
import dev.sqsx.consumer.DeadLetterRedrive;
import dev.sqsx.consumer.NonRetryableException;
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
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.sns.LocalSns;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A payload that came through SNS stays shared when a subscriber dead-letters it: sqsx sends the
 * notification to the DLQ as SNS delivered it (the pointer inside its envelope), so whoever drains
 * or redrives that DLQ — sqsx with cleanup on, or AWS's extended client — never deletes a payload
 * that the topic's other subscriptions still read.
 */
@LocalAws
class SnsDeadLetterIT {

  @Test
  void aSubscriberDeadLetters_itsDlqIsDrainedWithCleanup_whileAnotherSubscriptionRetries(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsEndpoints endpoints,
      AwsResources aws) {
    String bucket = aws.createBucket();
    QueueWithDlq failing = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    String retrying = aws.createQueue();
    String body = payload(400_000);
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      sns.subscribe(topic, aws.queueArn(failing.queueUrl()), false);
      sns.subscribe(topic, aws.queueArn(retrying), false);
      S3PayloadStore store =
          S3PayloadStore.builder().s3Client(s3).s3AsyncClient(s3Async).bucket(bucket).build();
      SqsExtendedAsyncClient subscriberClient =
          SqsExtendedAsyncClient.builder()
              .sqsClient(sqsAsync)
              .payloadStore(store)
              .snsEnvelopes(true)
              .build();
      SnsExtendedClient.builder()
          .snsClient(plain)
          .payloadStore(store)
          .build()
          .publish(
              r ->
                  r.topicArn(topic)
                      .message(body)
                      .subject("order 7")
                      .messageAttributes(
                          Map.of(
                              "kind",
                              MessageAttributeValue.builder()
                                  .dataType("String")
                                  .stringValue("order")
                                  .build())));
      AtomicBoolean drained = new AtomicBoolean();
      AtomicInteger retries = new AtomicInteger();
      List<String> handledByTheSecond = new CopyOnWriteArrayList<>();

      try (SqsConsumer refusing =
              SqsConsumer.builder()
                  .sqsClient(subscriberClient)
                  .queueUrl(failing.queueUrl())
                  .waitTime(Duration.ofSeconds(1))
                  .handler(
                      message -> {
                        throw new NonRetryableException("order 7 cannot be booked here");
                      })
                  .build();
          SqsConsumer second =
              SqsConsumer.builder()
                  .sqsClient(subscriberClient)
                  .queueUrl(retrying)
                  .waitTime(Duration.ofSeconds(1))
                  .handler(
                      (ReceivedMessage message) -> {
                        if (!drained.get()) {
                          retries.incrementAndGet();
                          throw new IllegalStateException("not yet: the stock service is down");
                        }
                        handledByTheSecond.add(message.body());
                      })
                  .build()) {
        second.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> retries.get() >= 1);
        refusing.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> refusing.stats().deadLettered() == 1);

        Message deadLetter = receive(sqs, failing.dlqUrl(), 1).get(0);
        assertThat(ExtendedMessages.isOffloaded(deadLetter))
            .as("the DLQ copy is no bare pointer that a reader would delete the payload with")
            .isFalse();
        SnsNotification envelope = SnsNotification.parse(deadLetter.body()).orElseThrow();
        assertThat(envelope.topicArn()).isEqualTo(topic);
        assertThat(envelope.subject()).isEqualTo("order 7");
        assertThat(envelope.messageId()).isEqualTo(sns.publications().get(0).messageId());
        assertThat(envelope.message()).isEqualTo(sns.publications().get(0).message());
        assertThat(envelope.messageAttributes()).containsOnlyKeys("kind", "ExtendedPayloadSize");
        assertThat(envelope.messageAttributes().get("ExtendedPayloadSize").stringValue())
            .isEqualTo("400000");
        assertThat(deadLetter.messageAttributes().get("sqsx.ErrorClass").stringValue())
            .isEqualTo(NonRetryableException.class.getName());
        assertThat(deadLetter.messageAttributes().get("sqsx.SourceQueue").stringValue())
            .isEqualTo(failing.queueUrl());
        sqs.changeMessageVisibility(
            r ->
                r.queueUrl(failing.dlqUrl())
                    .receiptHandle(deadLetter.receiptHandle())
                    .visibilityTimeout(0));

        // An operator drains the DLQ through sqsx with cleanup on (the default), as the source
        // queue's own consumer would read it, then through AWS's extended client.
        SqsExtendedClient drainer =
            SqsExtendedClient.builder()
                .sqsClient(sqs)
                .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
                .snsEnvelopes(true)
                .build();
        Message drainedCopy = receive(drainer, failing.dlqUrl(), 1).get(0);
        assertThat(drainedCopy.body()).as("the DLQ copy still resolves").isEqualTo(body);
        assertThat(ExtendedMessages.sharedPayload(drainedCopy.receiptHandle())).isTrue();
        assertThat(drainedCopy.messageAttributes())
            .as("unwrapped, the copy shows the published attributes and sqsx's reason")
            .containsKeys("kind", "sqsx.ErrorClass", "sqsx.SourceQueue")
            .doesNotContainKey("ExtendedPayloadSize");
        drainer.deleteMessage(
            r -> r.queueUrl(failing.dlqUrl()).receiptHandle(drainedCopy.receiptHandle()));
        assertThat(aws.messagesIn(failing.dlqUrl())).isZero();
        drained.set(true);

        await().atMost(Duration.ofSeconds(20)).until(() -> second.stats().deleted() == 1);
        assertThat(handledByTheSecond)
            .as("the subscription that retried still finds the payload")
            .containsExactly(body);
        assertThat(second.stats().deadLettered()).isZero();
      }
      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount())
          .as("the shared payload stays for the bucket's lifecycle rule")
          .isEqualTo(1);
    }
  }

  @Test
  void theDlqCopyOfAnSnsDeliveredPayload_drainedByAwsExtendedClient_leavesThePayload(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsEndpoints endpoints,
      AwsResources aws) {
    String bucket = aws.createBucket();
    QueueWithDlq failing = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    String body = payload(300_000);
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      sns.subscribe(topic, aws.queueArn(failing.queueUrl()), false);
      S3PayloadStore store =
          S3PayloadStore.builder().s3Client(s3).s3AsyncClient(s3Async).bucket(bucket).build();
      SnsExtendedClient.builder()
          .snsClient(plain)
          .payloadStore(store)
          .build()
          .publish(r -> r.topicArn(topic).message(body));
      try (SqsConsumer refusing =
          SqsConsumer.builder()
              .sqsClient(
                  SqsExtendedAsyncClient.builder()
                      .sqsClient(sqsAsync)
                      .payloadStore(store)
                      .snsEnvelopes(true)
                      .build())
              .queueUrl(failing.queueUrl())
              .waitTime(Duration.ofSeconds(1))
              .handler(
                  message -> {
                    throw new NonRetryableException("refused");
                  })
              .build()) {
        refusing.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> refusing.stats().deadLettered() == 1);
      }

      AmazonSQSExtendedClient awsReader =
          new AmazonSQSExtendedClient(
              sqs, new ExtendedClientConfiguration().withPayloadSupportEnabled(s3, bucket));
      // every copy (a loaded machine may dead-letter the message twice when its source delete
      // comes after the visibility timeout), read and deleted through AWS's client
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                for (Message copy :
                    awsReader
                        .receiveMessage(
                            r ->
                                r.queueUrl(failing.dlqUrl())
                                    .maxNumberOfMessages(10)
                                    .waitTimeSeconds(1))
                        .messages()) {
                  assertThat(SnsNotification.parse(copy.body())).isPresent();
                  awsReader.deleteMessage(
                      r -> r.queueUrl(failing.dlqUrl()).receiptHandle(copy.receiptHandle()));
                }
                return aws.messagesIn(failing.dlqUrl()) == 0
                    && aws.messagesIn(failing.queueUrl()) == 0;
              });
      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount())
          .as("AWS's extended client sees an SNS notification, not a pointer: the payload stays")
          .isEqualTo(1);
    }
  }

  @Test
  void anEnvelopeRedrivenFromItsDlq_andDeadLetteredAgain_goesAsSnsDeliveredIt_withTheNewReason(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsEndpoints endpoints,
      AwsResources aws) {
    String bucket = aws.createBucket();
    QueueWithDlq failing = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    String body = payload(300_000);
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      sns.subscribe(topic, aws.queueArn(failing.queueUrl()), false);
      S3PayloadStore store =
          S3PayloadStore.builder().s3Client(s3).s3AsyncClient(s3Async).bucket(bucket).build();
      SnsExtendedClient.builder()
          .snsClient(plain)
          .payloadStore(store)
          .build()
          .publish(
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
      AtomicInteger runs = new AtomicInteger();
      try (SqsConsumer refusing =
          SqsConsumer.builder()
              .sqsClient(
                  SqsExtendedAsyncClient.builder()
                      .sqsClient(sqsAsync)
                      .payloadStore(store)
                      .snsEnvelopes(true)
                      .build())
              .queueUrl(failing.queueUrl())
              .waitTime(Duration.ofSeconds(1))
              .handler(
                  message -> {
                    if (runs.incrementAndGet() == 1) {
                      throw new NonRetryableException("order 8: no stock");
                    }
                    throw new NonRetryableException("order 8: unknown customer");
                  })
              .build()) {
        refusing.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> refusing.stats().deadLettered() == 1);
        // the operator replays the DLQ (SQS's move task keeps the message attributes), and the
        // message is dead-lettered again, for another reason
        DeadLetterRedrive.of(sqsAsync).start(failing.dlqArn()).join();
        await().atMost(Duration.ofSeconds(30)).until(() -> refusing.stats().deadLettered() == 2);
      }

      Message copy = receive(sqs, failing.dlqUrl(), 1).get(0);
      assertThat(SnsNotification.parse(copy.body()).orElseThrow().messageAttributes())
          .as("the second DLQ copy's envelope carries what was published, as SNS delivered it")
          .containsOnlyKeys("kind", "ExtendedPayloadSize");
      sqs.changeMessageVisibility(
          r ->
              r.queueUrl(failing.dlqUrl())
                  .receiptHandle(copy.receiptHandle())
                  .visibilityTimeout(0));
      SqsExtendedClient reader =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
              .snsEnvelopes(true)
              .build();
      Message unwrapped = receive(reader, failing.dlqUrl(), 1).get(0);
      assertThat(unwrapped.messageAttributes().get("sqsx.ErrorMessage").stringValue())
          .as("read through sqsx, the copy shows the reason it was dead-lettered for last")
          .isEqualTo("order 8: unknown customer");
    }
  }
}
