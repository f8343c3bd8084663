/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@LocalAws
class RetryAndDeadLetterIT {

  private static Message receiveFromDlq(SqsClient sqs, String dlqUrl) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                sqs.receiveMessage(
                        r -> r.queueUrl(dlqUrl).messageAttributeNames("All").waitTimeSeconds(1))
                    .messages(),
            messages -> !messages.isEmpty())
        .get(0);
  }

  @Test
  void alwaysFailing_isAttemptedMaxReceiveCountTimesWithGrowingGaps_thenDeadLetteredWithItsReason(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(3, Duration.ofSeconds(1));
    String id =
        sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("doomed")).messageId();
    List<Long> attemptsAt = new CopyOnWriteArrayList<>();
    List<Integer> attempts = new CopyOnWriteArrayList<>();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queue.queueUrl())
            .waitTime(Duration.ofSeconds(1))
            .retryPolicy(
                RetryPolicy.linear(
                    Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10)))
            .handler(
                m -> {
                  attemptsAt.add(System.nanoTime());
                  attempts.add(m.attempt());
                  throw new IllegalStateException("payment service said no");
                })
            .build();
    consumer.start();
    Message dead = receiveFromDlq(sqs, queue.dlqUrl());
    await().atMost(Duration.ofSeconds(5)).until(() -> consumer.stats().deadLettered() == 1);
    consumer.close();

    assertThat(attempts).containsExactly(1, 2, 3);
    long firstGap = attemptsAt.get(1) - attemptsAt.get(0);
    long secondGap = attemptsAt.get(2) - attemptsAt.get(1);
    assertThat(secondGap)
        .as("gaps grow: %s ns then %s ns", firstGap, secondGap)
        .isGreaterThan(firstGap);
    assertThat(dead.body()).isEqualTo("doomed");
    Map<String, String> reason = strings(dead);
    assertThat(reason)
        .containsEntry("sqsx.ErrorClass", "java.lang.IllegalStateException")
        .containsEntry("sqsx.ErrorMessage", "payment service said no")
        .containsEntry("sqsx.Attempts", "3")
        .containsEntry("sqsx.SourceQueue", queue.queueUrl())
        .containsEntry("sqsx.SourceMessageId", id)
        .containsKey("sqsx.FirstFailureTime");
    assertThat(consumer.stats().deadLettered()).isEqualTo(1);
    assertThat(ConsumerTestSupport.visibleAndInFlight(sqs, queue.queueUrl())).containsExactly(0, 0);
  }

  @Test
  void nonRetryableFailure_goesToTheDlqOnTheFirstAttempt(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("{\"order\":-1}"));
    List<Integer> attempts = new CopyOnWriteArrayList<>();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queue.queueUrl())
            .waitTime(Duration.ofSeconds(1))
            .handler(
                m -> {
                  attempts.add(m.attempt());
                  throw new NonRetryableException("order id must be positive");
                })
            .build();
    consumer.start();
    Message dead = receiveFromDlq(sqs, queue.dlqUrl());
    consumer.close();

    assertThat(attempts).containsExactly(1);
    assertThat(strings(dead))
        .containsEntry("sqsx.ErrorClass", NonRetryableException.class.getName())
        .containsEntry("sqsx.Attempts", "1");
  }

  @Test
  void aDeadLetter_carriesTheMessagesXRayTraceHeader(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    String header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    sqs.sendMessage(
        r ->
            r.queueUrl(queue.queueUrl())
                .messageBody("traced")
                .messageSystemAttributes(
                    Map.of(
                        MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
                        MessageSystemAttributeValue.builder()
                            .dataType("String")
                            .stringValue(header)
                            .build())));

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queue.queueUrl())
            .waitTime(Duration.ofSeconds(1))
            .handler(
                m -> {
                  throw new NonRetryableException("cannot");
                })
            .build();
    consumer.start();
    Message dead =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    sqs.receiveMessage(
                            r ->
                                r.queueUrl(queue.dlqUrl())
                                    .messageSystemAttributeNames(
                                        MessageSystemAttributeName.AWS_TRACE_HEADER)
                                    .waitTimeSeconds(1))
                        .messages(),
                messages -> !messages.isEmpty())
            .get(0);
    consumer.close();

    assertThat(dead.attributes())
        .as("the DLQ reader continues the producer's X-Ray trace")
        .containsEntry(MessageSystemAttributeName.AWS_TRACE_HEADER, header);
  }

  @Test
  void customClassifier_sendsItsExceptionsStraightToTheDlq(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("x"));

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queue.queueUrl())
            .waitTime(Duration.ofSeconds(1))
            .nonRetryable(error -> error instanceof IllegalArgumentException)
            .handler(
                m -> {
                  throw new RuntimeException("wrapped", new IllegalArgumentException("bad input"));
                })
            .build();
    consumer.start();
    Message dead = receiveFromDlq(sqs, queue.dlqUrl());
    consumer.close();

    assertThat(strings(dead)).containsEntry("sqsx.Attempts", "1");
  }

  @Test
  void offloadedMessage_isDeadLetteredWithAPayloadOfItsOwn_andTheSourcesPayloadGoesWithTheSource(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    String bucket = aws.createBucket();
    SqsExtendedAsyncClient extended =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
            .build();
    String large = "y".repeat(300 * 1024);
    extended.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody(large)).join();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(extended)
            .queueUrl(queue.queueUrl())
            .waitTime(Duration.ofSeconds(1))
            .handler(
                m -> {
                  throw new NonRetryableException("cannot parse " + m.body().length() + " bytes");
                })
            .build();
    consumer.start();
    String sourceKey =
        s3.listObjectsV2(r -> r.bucket(bucket)).contents().stream()
            .map(software.amazon.awssdk.services.s3.model.S3Object::key)
            .findFirst()
            .orElseThrow();
    Message dead = receiveFromDlq(sqs, queue.dlqUrl());
    await().atMost(Duration.ofSeconds(20)).until(() -> aws.messagesIn(queue.queueUrl()) == 0);
    consumer.close();

    assertThat(dead.body())
        .startsWith("[\"software.amazon.payloadoffloading.PayloadS3Pointer\"")
        .as("the DLQ copy points at a payload of its own, not the source's")
        .doesNotContain(sourceKey);
    assertThat(dead.messageAttributes().get("ExtendedPayloadSize").stringValue())
        .isEqualTo(Integer.toString(large.length()));
    // one object per DLQ copy (a slow machine may dead-letter the message again when its source
    // delete comes too late), none of them the source's, which went with the source
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
                    .extracting(software.amazon.awssdk.services.s3.model.S3Object::key)
                    .hasSize(aws.messagesIn(queue.dlqUrl()))
                    .doesNotContain(sourceKey));
    sqs.changeMessageVisibility(
        r -> r.queueUrl(queue.dlqUrl()).receiptHandle(dead.receiptHandle()).visibilityTimeout(0));
    Message resolved =
        extended
            .receiveMessage(r -> r.queueUrl(queue.dlqUrl()).waitTimeSeconds(2))
            .join()
            .messages()
            .get(0);
    assertThat(resolved.body()).isEqualTo(large);
  }

  @Test
  void unresolvablePayloads_goThroughTheFailurePolicy_foreignAtOnceMissingAfterRetries(
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(2, Duration.ofSeconds(1));
    String bucket = aws.createBucket();
    String foreign = aws.createBucket();
    s3.putObject(
        r -> r.bucket(foreign).key("secret"),
        software.amazon.awssdk.core.sync.RequestBody.fromString("not yours"));
    sendPointer(sqs, queue.queueUrl(), foreign, "secret");
    sendPointer(sqs, queue.queueUrl(), bucket, "missing");
    PayloadFailureBridge failures = new PayloadFailureBridge();
    SqsExtendedAsyncClient extended =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
            .resolutionListener(failures)
            .build();
    List<String> handled = new CopyOnWriteArrayList<>();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(extended)
            .queueUrl(queue.queueUrl())
            .payloadFailures(failures)
            .waitTime(Duration.ofSeconds(1))
            .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(1)))
            .handler(m -> handled.add(m.body()))
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> consumer.stats().deadLettered() == 2);
    consumer.close();

    List<Message> dead =
        sqs.receiveMessage(
                r ->
                    r.queueUrl(queue.dlqUrl()).maxNumberOfMessages(10).messageAttributeNames("All"))
            .messages();
    Map<String, Map<String, String>> byKey = new java.util.HashMap<>();
    dead.forEach(m -> byKey.put(m.body().contains("secret") ? "foreign" : "missing", strings(m)));
    assertThat(handled).isEmpty();
    assertThat(byKey.get("foreign"))
        .containsEntry("sqsx.ErrorClass", "dev.sqsx.extended.PayloadNotAllowedException")
        .containsEntry("sqsx.Attempts", "1");
    assertThat(byKey.get("missing"))
        .containsEntry("sqsx.ErrorClass", "dev.sqsx.extended.PayloadNotFoundException")
        .containsEntry("sqsx.Attempts", "2");
    assertThat(s3.listObjectsV2(r -> r.bucket(foreign)).contents())
        .as("the foreign object was neither read into a handler nor deleted")
        .hasSize(1);
  }

  private static void sendPointer(SqsClient sqs, String queueUrl, String bucket, String key) {
    sqs.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody(
                    "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\""
                        + bucket
                        + "\",\"s3Key\":\""
                        + key
                        + "\"}]")
                .messageAttributes(
                    Map.of(
                        "ExtendedPayloadSize",
                        software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder()
                            .dataType("Number")
                            .stringValue("9")
                            .build())));
  }

  @Test
  void noDlqAnywhere_aNonRetryableFailureIsLeftForRedelivery(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue("plain", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"));
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("orphan"));
    List<Integer> attempts = new CopyOnWriteArrayList<>();

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .waitTime(Duration.ofSeconds(1))
            .retryPolicy(RetryPolicy.immediate())
            .handler(
                m -> {
                  attempts.add(m.attempt());
                  if (m.attempt() == 1) {
                    throw new NonRetryableException("no DLQ to go to");
                  }
                })
            .build();
    consumer.start();
    await().atMost(Duration.ofSeconds(15)).until(() -> consumer.stats().deleted() == 1);
    consumer.close();

    assertThat(attempts).containsExactly(1, 2);
    assertThat(consumer.stats().deadLettered()).isZero();
  }

  @Test
  void redrivePolicyAddedWhileRunning_isPickedUpByTheRefresh(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue("later", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"));
    String dlqUrl = aws.createQueue();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .waitTime(Duration.ofSeconds(1))
            .queueAttributesRefresh(Duration.ofSeconds(1))
            .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(1)))
            .handler(
                m -> {
                  throw new NonRetryableException("always");
                })
            .build();
    consumer.start();
    sqs.setQueueAttributes(
        r ->
            r.queueUrl(queueUrl)
                .attributes(
                    Map.of(
                        QueueAttributeName.REDRIVE_POLICY,
                        "{\"maxReceiveCount\":\"20\",\"deadLetterTargetArn\":\""
                            + aws.queueArn(dlqUrl)
                            + "\"}")));
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("found a home"));

    Message dead = receiveFromDlq(sqs, dlqUrl);
    consumer.close();

    assertThat(dead.body()).isEqualTo("found a home");
    assertThat(strings(dead))
        .containsEntry("sqsx.ErrorClass", NonRetryableException.class.getName());
  }

  @Test
  void explicitDeadLetterQueue_isUsedWithoutARedrivePolicy(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    String queueUrl = aws.createQueue();
    String dlqUrl = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("to the side"));

    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queueUrl)
            .deadLetterQueueUrl(dlqUrl)
            .waitTime(Duration.ofSeconds(1))
            .handler(
                m -> {
                  throw new NonRetryableException("nope");
                })
            .build();
    consumer.start();
    Message dead = receiveFromDlq(sqs, dlqUrl);
    consumer.close();

    assertThat(dead.body()).isEqualTo("to the side");
  }

  @Test
  void redrivePolicyNamingAMissingDlq_failsTheStartNamingTheArn(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(3, Duration.ofSeconds(1));
    sqs.deleteQueue(r -> r.queueUrl(queue.dlqUrl()));
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queue.queueUrl())
            .handler(m -> {})
            .build();

    assertThatThrownBy(consumer::start)
        .isInstanceOf(ConsumerException.class)
        .hasMessageContaining("names DLQ " + queue.dlqArn() + ", which cannot be found");
    assertThat(consumer.isRunning()).isFalse();
  }

  private static Map<String, String> strings(Message message) {
    Map<String, String> values = new java.util.HashMap<>();
    message.messageAttributes().forEach((name, value) -> values.put(name, value.stringValue()));
    return values;
  }
}
