/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.consumer.NonRetryableException;
import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.extended.DynamoDbPayloadStore;
import dev.sqsx.extended.ExtendedMessages;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SnsNotification;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.extended.TieredPayloadStore;
import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.idempotency.IdempotencyKey;
import dev.sqsx.idempotency.IdempotentHandler;
import dev.sqsx.lambda.internal.QueueFacts;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.lambda.LambdaEventSourceMapping;
import dev.sqsx.testing.lambda.LambdaEventSourceMapping.Invocation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * sqsx handlers in Lambda, through a local event source mapping against the embedded SQS: events
 * built as the Lambda service delivers them and read by the Java runtime's own deserializer.
 */
@LocalAws
class LambdaConsumerIT {

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  private static LambdaEventSourceMapping mapping(
      SqsClient sqs, String queueUrl, LambdaConsumer consumer) {
    return LambdaEventSourceMapping.builder()
        .sqsClient(sqs)
        .queueUrl(queueUrl)
        .handler(new SqsxFunction(consumer) {})
        .functionTimeout(Duration.ofSeconds(10))
        .build();
  }

  @Test
  void partialBatchFailure_reportsOnlyTheFailedRecord_andAPoisonRecordReachesTheQueuesDlq(
      SqsClient sqs, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(2, Duration.ofSeconds(1));
    for (int i = 0; i < 5; i++) {
      int n = i;
      sqs.sendMessage(
          r ->
              r.queueUrl(queue.queueUrl())
                  .messageBody(n == 2 ? "poison" : "order-" + n)
                  .messageAttributes(
                      Map.of(
                          "kind",
                          string("order"),
                          "blob",
                          MessageAttributeValue.builder()
                              .dataType("Binary")
                              .binaryValue(SdkBytes.fromByteArray(new byte[] {1, 2, (byte) n}))
                              .build())));
    }
    Map<String, ReceivedMessage> seen = new ConcurrentHashMap<>();
    AtomicInteger poisonAttempts = new AtomicInteger();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .sqsClient(sqs)
            .handler(
                message -> {
                  seen.put(message.body(), message);
                  if (message.body().equals("poison")) {
                    poisonAttempts.incrementAndGet();
                    throw new IllegalStateException("cannot handle this order");
                  }
                })
            .build();
    LambdaEventSourceMapping mapping = mapping(sqs, queue.queueUrl(), consumer);

    List<Invocation> first = mapping.runUntil(() -> seen.size() == 5, Duration.ofSeconds(20));

    Set<String> failed = new java.util.HashSet<>();
    first.forEach(invocation -> failed.addAll(invocation.failed()));
    assertThat(failed).containsExactly(seen.get("poison").messageId());
    ReceivedMessage one = seen.get("order-1");
    assertThat(one.messageAttributes().get("kind").stringValue()).isEqualTo("order");
    assertThat(one.messageAttributes().get("blob").binaryValue().asByteArray())
        .containsExactly(1, 2, 1);
    assertThat(one.queueUrl()).isEqualTo(queue.queueUrl());
    assertThat(one.maxReceiveCount()).hasValue(2);
    assertThat(one.deadline()).isPresent();

    // the mapping leaves it; its visibility ends; after maxReceiveCount receives SQS moves it
    mapping.runUntil(() -> aws.messagesIn(queue.dlqUrl()) == 1, Duration.ofSeconds(30));
    assertThat(poisonAttempts.get()).isEqualTo(2);
    assertThat(aws.messagesIn(queue.queueUrl())).isZero();
    Message dead =
        sqs.receiveMessage(r -> r.queueUrl(queue.dlqUrl()).waitTimeSeconds(1)).messages().get(0);
    assertThat(dead.body()).isEqualTo("poison");
  }

  @Test
  void fifo_aFailureFailsTheRestOfItsGroupOnly_otherGroupsGoOn_andOrderHolds(
      SqsClient sqs, AwsResources aws) {
    String queueUrl = aws.createFifoQueueWithDlq(5, Duration.ofSeconds(1)).queueUrl();
    String[][] sends = {{"A", "a1"}, {"B", "b1"}, {"A", "a2"}, {"B", "b2"}, {"A", "a3"}};
    for (String[] send : sends) {
      sqs.sendMessage(
          r ->
              r.queueUrl(queueUrl)
                  .messageGroupId(send[0])
                  .messageDeduplicationId(send[1])
                  .messageBody(send[1]));
    }
    List<String> handled = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger a2Attempts = new AtomicInteger();
    Map<String, String> idOf = new ConcurrentHashMap<>();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .handler(
                message -> {
                  idOf.put(message.body(), message.messageId());
                  if (message.body().equals("a2") && a2Attempts.incrementAndGet() == 1) {
                    throw new IllegalStateException("a2 fails once");
                  }
                  handled.add(message.body());
                })
            .build();
    LambdaEventSourceMapping mapping =
        LambdaEventSourceMapping.builder()
            .sqsClient(sqs)
            .queueUrl(queueUrl)
            .handler(new SqsxFunction(consumer) {})
            .build();

    Invocation first = mapping.poll();

    assertThat(first.records()).hasSize(5);
    assertThat(handled).containsExactlyInAnyOrder("a1", "b1", "b2");
    assertThat(handled.indexOf("b1")).isLessThan(handled.indexOf("b2"));
    assertThat(first.deleted())
        .hasSize(3)
        .containsExactlyInAnyOrder(idOf.get("a1"), idOf.get("b1"), idOf.get("b2"));
    assertThat(first.failed())
        .as("a2 and, without running, a3 behind it")
        .hasSize(2)
        .contains(idOf.get("a2"));

    // both come back after their visibility timeout, in order
    mapping.runUntil(() -> handled.size() == 5, Duration.ofSeconds(30));
    assertThat(handled).containsSubsequence("a1", "a2", "a3");
    assertThat(a2Attempts.get()).isEqualTo(2);
  }

  @Test
  void offloadedRecords_s3AndDynamoDb_bothMarkerNames_areResolved_andPayloadsKeptByDefault(
      SqsClient sqs, S3Client s3, DynamoDbClient dynamoDb, AwsResources aws) {
    String queueUrl = aws.createQueue();
    String bucket = aws.createBucket();
    String table = aws.uniqueName("payloads");
    DynamoDbPayloadStore.createTable(dynamoDb, table);
    S3PayloadStore s3Store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
    DynamoDbPayloadStore dynamoStore =
        DynamoDbPayloadStore.builder().dynamoDbClient(dynamoDb).table(table).build();
    String big = "s3-".repeat(120_000);
    String viaDynamo = "ddb-".repeat(70_000);
    String legacy = "legacy-".repeat(50_000);
    SqsExtendedClient.builder()
        .sqsClient(sqs)
        .payloadStore(s3Store)
        .build()
        .sendMessage(r -> r.queueUrl(queueUrl).messageBody(big));
    SqsExtendedClient.builder()
        .sqsClient(sqs)
        .payloadStore(dynamoStore)
        .build()
        .sendMessage(r -> r.queueUrl(queueUrl).messageBody(viaDynamo));
    SqsExtendedClient.builder()
        .sqsClient(sqs)
        .payloadStore(s3Store)
        .legacyAttributeName(true)
        .build()
        .sendMessage(r -> r.queueUrl(queueUrl).messageBody(legacy));
    Map<Integer, String> bodies = new ConcurrentHashMap<>();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .payloadStore(
                TieredPayloadStore.builder()
                    .tier(4_000_000, dynamoStore)
                    .otherwise(s3Store)
                    .build())
            .handler(message -> bodies.put(message.body().length(), message.body()))
            .build();

    mapping(sqs, queueUrl, consumer).runUntil(() -> bodies.size() == 3, Duration.ofSeconds(20));

    assertThat(bodies.values()).containsExactlyInAnyOrder(big, viaDynamo, legacy);
    assertThat(aws.messagesIn(queueUrl)).isZero();
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
        .as("payloads stay by default: other subscribers may need them")
        .hasSize(2);
  }

  @Test
  void deletePayloads_removesAHandledRecordsPayload(SqsClient sqs, S3Client s3, AwsResources aws) {
    String queueUrl = aws.createQueue();
    String bucket = aws.createBucket();
    S3PayloadStore store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
    SqsExtendedClient.builder()
        .sqsClient(sqs)
        .payloadStore(store)
        .alwaysOffload(true)
        .build()
        .sendMessage(r -> r.queueUrl(queueUrl).messageBody("small but offloaded"));
    AtomicInteger handled = new AtomicInteger();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .payloadStore(store)
            .deletePayloads(true)
            .sqsClient(sqs)
            .handler(message -> handled.incrementAndGet())
            .build();

    mapping(sqs, queueUrl, consumer).runUntil(() -> handled.get() == 1, Duration.ofSeconds(20));

    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
  }

  @Test
  void snsEnvelopes_areUnwrapped_theirSharedPayloadKept_andAConfirmationDeadLettered(
      SqsClient sqs, S3Client s3, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    String bucket = aws.createBucket();
    S3PayloadStore store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
    String payload = "p".repeat(300_000);
    String pointer = ExtendedMessages.pointerBody(store.store(payload));
    String topic = "arn:aws:sns:us-east-1:000000000000:orders";
    String notification =
        "{\"Type\":\"Notification\",\"MessageId\":\"sns-1\",\"TopicArn\":\""
            + topic
            + "\",\"Message\":\""
            + pointer.replace("\"", "\\\"")
            + "\",\"Timestamp\":\"2026-11-29T12:00:00.000Z\",\"MessageAttributes\":{"
            + "\"ExtendedPayloadSize\":{\"Type\":\"Number\",\"Value\":\"300000\"}}}";
    String confirmation =
        "{\"Type\":\"SubscriptionConfirmation\",\"MessageId\":\"sns-2\",\"TopicArn\":\""
            + topic
            + "\",\"Message\":\"You have chosen to subscribe\"}";
    sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody(notification));
    sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody(confirmation));
    List<ReceivedMessage> handled = new CopyOnWriteArrayList<>();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .payloadStore(store)
            .snsEnvelopes(true)
            .deletePayloads(true)
            .sqsClient(sqs)
            .deadLetterQueueUrl(queue.dlqUrl())
            .handler(handled::add)
            .build();

    mapping(sqs, queue.queueUrl(), consumer)
        .runUntil(() -> aws.messagesIn(queue.queueUrl()) == 0, Duration.ofSeconds(20));

    assertThat(handled).hasSize(1);
    assertThat(handled.get(0).body()).isEqualTo(payload);
    assertThat(handled.get(0).snsTopicArn()).contains(topic);
    assertThat(handled.get(0).snsMessageId()).contains("sns-1");
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
        .as("a payload that came through SNS is kept even with deletePayloads")
        .hasSize(1);
    Message dead =
        sqs.receiveMessage(
                r -> r.queueUrl(queue.dlqUrl()).waitTimeSeconds(2).messageAttributeNames("All"))
            .messages()
            .get(0);
    assertThat(dead.body()).isEqualTo(confirmation);
    assertThat(dead.messageAttributes().get("sqsx.ErrorClass").stringValue())
        .isEqualTo("dev.sqsx.extended.SnsEnvelopeException");
  }

  @Test
  void anSnsDeliveredPayload_deadLettered_goesToTheDlqAsItsEnvelope_soDrainingItKeepsThePayload(
      SqsClient sqs, S3Client s3, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    String bucket = aws.createBucket();
    S3PayloadStore store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
    String payload = "p".repeat(300_000);
    String pointer = ExtendedMessages.pointerBody(store.store(payload));
    String topic = "arn:aws:sns:us-east-1:000000000000:orders";
    sqs.sendMessage(
        r ->
            r.queueUrl(queue.queueUrl())
                .messageBody(
                    "{\"Type\":\"Notification\",\"MessageId\":\"sns-9\",\"TopicArn\":\""
                        + topic
                        + "\",\"Subject\":\"order 9\",\"Message\":\""
                        + pointer.replace("\"", "\\\"")
                        + "\",\"Timestamp\":\"2026-12-03T12:00:00.000Z\",\"MessageAttributes\":{"
                        + "\"kind\":{\"Type\":\"String\",\"Value\":\"order\"},"
                        + "\"ExtendedPayloadSize\":{\"Type\":\"Number\",\"Value\":\"300000\"}}}"));
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .payloadStore(store)
            .snsEnvelopes(true)
            .deletePayloads(true)
            .sqsClient(sqs)
            .deadLetterQueueUrl(queue.dlqUrl())
            .handler(
                message -> {
                  throw new NonRetryableException("order 9 cannot be booked");
                })
            .build();

    mapping(sqs, queue.queueUrl(), consumer)
        .runUntil(() -> aws.messagesIn(queue.queueUrl()) == 0, Duration.ofSeconds(20));

    Message dead =
        sqs.receiveMessage(
                r -> r.queueUrl(queue.dlqUrl()).waitTimeSeconds(2).messageAttributeNames("All"))
            .messages()
            .get(0);
    assertThat(ExtendedMessages.isOffloaded(dead))
        .as("no bare pointer in the DLQ: a reader with cleanup would delete the shared payload")
        .isFalse();
    SnsNotification envelope = SnsNotification.parse(dead.body()).orElseThrow();
    assertThat(envelope.messageId()).isEqualTo("sns-9");
    assertThat(envelope.topicArn()).isEqualTo(topic);
    assertThat(envelope.subject()).isEqualTo("order 9");
    assertThat(envelope.timestamp()).isEqualTo("2026-12-03T12:00:00.000Z");
    assertThat(envelope.message()).isEqualTo(pointer);
    assertThat(envelope.messageAttributes().get("kind").stringValue()).isEqualTo("order");
    assertThat(envelope.messageAttributes().get("ExtendedPayloadSize").stringValue())
        .isEqualTo("300000");
    assertThat(dead.messageAttributes().get("sqsx.ErrorClass").stringValue())
        .isEqualTo(NonRetryableException.class.getName());

    SqsExtendedClient drainer =
        SqsExtendedClient.builder().sqsClient(sqs).payloadStore(store).snsEnvelopes(true).build();
    sqs.changeMessageVisibility(
        r -> r.queueUrl(queue.dlqUrl()).receiptHandle(dead.receiptHandle()).visibilityTimeout(0));
    Message drained =
        drainer
            .receiveMessage(r -> r.queueUrl(queue.dlqUrl()).waitTimeSeconds(2))
            .messages()
            .get(0);
    assertThat(drained.body()).isEqualTo(payload);
    drainer.deleteMessage(r -> r.queueUrl(queue.dlqUrl()).receiptHandle(drained.receiptHandle()));
    assertThat(aws.messagesIn(queue.dlqUrl())).isZero();
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
        .as("the payload the topic's other subscriptions share is still there")
        .hasSize(1);
  }

  @Test
  void anInlineRecordOf900Kb_deadLetteredToADlqAt256KiB_isOffloaded(
      SqsClient sqs, S3Client s3, AwsResources aws, AwsEndpoints endpoints) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    String bucket = aws.createBucket();
    S3PayloadStore store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
    // inline on its queue (at 1 MiB: records up to 1 MiB since August 2025)
    String body = "r".repeat(900_000);
    sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody(body));
    // the DLQ is still at 262,144, as SQS answers and enforces it (ElasticMQ ignores the limit)
    SqsClient dlqAt256KiB =
        endpoints
            .configure(SqsClient.builder(), endpoints.sqsEndpoint())
            .overrideConfiguration(
                c -> c.addExecutionInterceptor(new QueueAt(queue.dlqUrl(), 262_144)))
            .build();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .payloadStore(store)
            .sqsClient(dlqAt256KiB)
            .deadLetterQueueUrl(queue.dlqUrl())
            .handler(
                message -> {
                  throw new NonRetryableException("cannot be booked");
                })
            .build();

    Invocation invocation = mapping(sqs, queue.queueUrl(), consumer).poll();

    assertThat(invocation.failed()).isEmpty();
    assertThat(invocation.deleted()).hasSize(1);
    SqsClient reader = SqsExtendedClient.builder().sqsClient(sqs).payloadStore(store).build();
    Message dead =
        reader
            .receiveMessage(
                r -> r.queueUrl(queue.dlqUrl()).waitTimeSeconds(2).messageAttributeNames("All"))
            .messages()
            .get(0);
    assertThat(dead.body()).isEqualTo(body);
    assertThat(dead.messageAttributes().get("sqsx.ErrorClass").stringValue())
        .isEqualTo(NonRetryableException.class.getName());
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).hasSize(1);
    dlqAt256KiB.close();
  }

  /**
   * A queue at {@code limit} bytes as SQS makes it: {@code GetQueueAttributes} answers it, a send
   * over it is refused ({@code InvalidParameterValue}).
   */
  private record QueueAt(String queueUrl, int limit) implements ExecutionInterceptor {
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      if (context.request() instanceof SendMessageRequest send
          && send.queueUrl().equals(queueUrl)
          && size(send) > limit) {
        throw SqsException.builder()
            .statusCode(400)
            .message(
                "One or more parameters are invalid. Reason: Message must be shorter than "
                    + limit
                    + " bytes.")
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("InvalidParameterValue")
                    .serviceName("Sqs")
                    .build())
            .build();
      }
    }

    @Override
    public SdkResponse modifyResponse(
        Context.ModifyResponse context, ExecutionAttributes attributes) {
      if (context.request() instanceof GetQueueAttributesRequest get
          && get.queueUrl().equals(queueUrl)
          && context.response() instanceof GetQueueAttributesResponse response) {
        Map<String, String> answered = new java.util.HashMap<>(response.attributesAsStrings());
        answered.put("MaximumMessageSize", Integer.toString(limit));
        return response.toBuilder().attributesWithStrings(answered).build();
      }
      return context.response();
    }

    private static long size(SendMessageRequest send) {
      long size = send.messageBody().getBytes(StandardCharsets.UTF_8).length;
      for (Map.Entry<String, MessageAttributeValue> attribute :
          send.messageAttributes().entrySet()) {
        MessageAttributeValue value = attribute.getValue();
        size += attribute.getKey().getBytes(StandardCharsets.UTF_8).length;
        size += value.dataType().getBytes(StandardCharsets.UTF_8).length;
        size +=
            value.stringValue() != null
                ? value.stringValue().getBytes(StandardCharsets.UTF_8).length
                : value.binaryValue().asByteArrayUnsafe().length;
      }
      return size;
    }
  }

  @Test
  void whenTheDeadLetterSendFails_theRecordIsReportedFailed_andStaysWithItsPayload(
      SqsClient sqs, S3Client s3, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    String bucket = aws.createBucket();
    S3PayloadStore store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
    SqsExtendedClient.builder()
        .sqsClient(sqs)
        .payloadStore(store)
        .alwaysOffload(true)
        .build()
        .sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("order 11"));
    String missingDlq = queue.dlqUrl() + "-does-not-exist";
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .payloadStore(store)
            .sqsClient(sqs)
            .deadLetterQueueUrl(missingDlq)
            .deletePayloads(true)
            .handler(
                message -> {
                  throw new NonRetryableException("order 11 cannot be booked");
                })
            .build();

    Invocation invocation = mapping(sqs, queue.queueUrl(), consumer).poll();

    assertThat(invocation.failed())
        .as("the dead letter could not be sent: the record must come back, not be dropped")
        .hasSize(1);
    assertThat(invocation.deleted()).isEmpty();
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
        .as("its payload stays for the next attempt")
        .hasSize(1);
    assertThat(aws.messagesIn(queue.queueUrl())).isEqualTo(1);
  }

  @Test
  void aDeadLetteredOffloadedRecord_getsAPayloadOfItsOwnForTheDlqCopy_andItsOwnGoesWithIt(
      SqsClient sqs, S3Client s3, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    String bucket = aws.createBucket();
    S3PayloadStore store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
    String body = "q".repeat(300_000);
    SqsExtendedClient.builder()
        .sqsClient(sqs)
        .payloadStore(store)
        .build()
        .sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody(body));
    String sourceKey = s3.listObjectsV2(r -> r.bucket(bucket)).contents().get(0).key();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .payloadStore(store)
            .sqsClient(sqs)
            .deadLetterQueueUrl(queue.dlqUrl())
            .deletePayloads(true)
            .handler(
                message -> {
                  throw new NonRetryableException("order 13 cannot be booked");
                })
            .build();

    Invocation invocation = mapping(sqs, queue.queueUrl(), consumer).poll();

    assertThat(invocation.failed()).isEmpty();
    Message dead =
        sqs.receiveMessage(
                r -> r.queueUrl(queue.dlqUrl()).waitTimeSeconds(2).messageAttributeNames("All"))
            .messages()
            .get(0);
    assertThat(dead.body())
        .as(
            "the DLQ copy points at a payload of its own: the record's may go with the record"
                + " (or with a later success of a record whose delete did not land)")
        .contains("PayloadS3Pointer")
        .doesNotContain(sourceKey);
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
        .extracting(software.amazon.awssdk.services.s3.model.S3Object::key)
        .as("with deletePayloads, the record's payload went with the record")
        .hasSize(1)
        .doesNotContain(sourceKey);
    sqs.changeMessageVisibility(
        r -> r.queueUrl(queue.dlqUrl()).receiptHandle(dead.receiptHandle()).visibilityTimeout(0));
    assertThat(
            SqsExtendedClient.builder()
                .sqsClient(sqs)
                .payloadStore(store)
                .build()
                .receiveMessage(r -> r.queueUrl(queue.dlqUrl()).waitTimeSeconds(2))
                .messages()
                .get(0)
                .body())
        .isEqualTo(body);
  }

  @Test
  void anOffloadedRecord_withoutAPayloadStore_isReportedFailed_neverHandedOutAsABody(
      SqsClient sqs, S3Client s3, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    String bucket = aws.createBucket();
    S3PayloadStore store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
    SqsExtendedClient.builder()
        .sqsClient(sqs)
        .payloadStore(store)
        .alwaysOffload(true)
        .build()
        .sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("order 12"));
    AtomicInteger handled = new AtomicInteger();
    LambdaConsumer consumer =
        LambdaConsumer.builder().handler(message -> handled.incrementAndGet()).build();

    Invocation invocation = mapping(sqs, queue.queueUrl(), consumer).poll();

    assertThat(handled.get()).as("a pointer is never handed out as the body").isZero();
    assertThat(invocation.failed()).hasSize(1);
    assertThat(invocation.deleted()).isEmpty();
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).hasSize(1);
    assertThat(aws.messagesIn(queue.queueUrl())).isEqualTo(1);
  }

  @Test
  void aPointerToABucketNotAllowed_goesToTheConfiguredDlqWithItsReason_andTheObjectIsUntouched(
      SqsClient sqs, S3Client s3, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    String allowed = aws.createBucket();
    String foreign = aws.createBucket();
    S3PayloadStore foreignStore = S3PayloadStore.builder().s3Client(s3).bucket(foreign).build();
    SqsExtendedClient.builder()
        .sqsClient(sqs)
        .payloadStore(foreignStore)
        .alwaysOffload(true)
        .build()
        .sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("someone else's payload"));
    AtomicInteger handled = new AtomicInteger();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(allowed).build())
            .sqsClient(sqs)
            .deadLetterQueueUrl(queue.dlqUrl())
            .deletePayloads(true)
            .handler(message -> handled.incrementAndGet())
            .build();
    LambdaEventSourceMapping mapping = mapping(sqs, queue.queueUrl(), consumer);

    Invocation invocation = mapping.poll();

    assertThat(invocation.failed()).as("dead-lettered by sqsx: reported done").isEmpty();
    assertThat(invocation.deleted()).hasSize(1);
    assertThat(handled.get()).isZero();
    Message dead =
        sqs.receiveMessage(
                r -> r.queueUrl(queue.dlqUrl()).waitTimeSeconds(2).messageAttributeNames("All"))
            .messages()
            .get(0);
    assertThat(dead.messageAttributes().get("sqsx.ErrorClass").stringValue())
        .isEqualTo("dev.sqsx.extended.PayloadNotAllowedException");
    assertThat(dead.messageAttributes()).containsKey("ExtendedPayloadSize");
    assertThat(dead.body()).as("the pointer, not a copy of the payload").contains(foreign);
    assertThat(s3.listObjectsV2(r -> r.bucket(foreign)).contents())
        .as("the foreign object is untouched")
        .hasSize(1);
  }

  @Test
  void nonRetryableWithoutADlq_isReportedFailed_notLost(SqsClient sqs, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("bad"));
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .handler(
                message -> {
                  throw new NonRetryableException("bad input");
                })
            .build();

    Invocation invocation = mapping(sqs, queueUrl, consumer).poll();

    assertThat(invocation.failed()).hasSize(1);
    assertThat(aws.messagesIn(queueUrl)).isEqualTo(1);
  }

  @Test
  void idempotentHandler_worksUnchanged_aDuplicateAppliesItsEffectOnce(
      SqsClient sqs, DynamoDbClient dynamoDb, AwsResources aws) {
    String queueUrl = aws.createQueue();
    String table = aws.uniqueName("idempotency");
    DynamoDbIdempotencyStore.createTable(dynamoDb, table);
    for (int i = 0; i < 2; i++) {
      sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("{\"orderId\":42,\"amount\":10}"));
    }
    AtomicInteger charged = new AtomicInteger();
    AtomicInteger invoked = new AtomicInteger();
    IdempotentHandler idempotent =
        IdempotentHandler.builder()
            .store(DynamoDbIdempotencyStore.create(dynamoDb, table))
            .namespace("orders")
            .key(IdempotencyKey.jsonField("/orderId"))
            .handler(
                (message, lease) -> {
                  charged.incrementAndGet();
                  return null;
                })
            .build();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .concurrency(1)
            .handler(
                message -> {
                  invoked.incrementAndGet();
                  idempotent.handle(message);
                })
            .build();

    mapping(sqs, queueUrl, consumer).runUntil(() -> invoked.get() == 2, Duration.ofSeconds(20));

    assertThat(charged.get()).isEqualTo(1);
    assertThat(idempotent.stats().duplicatesSuppressed()).isEqualTo(1);
    assertThat(aws.messagesIn(queueUrl)).isZero();
  }

  @Test
  void coldStart_readsTheQueuesVisibilityAndRedrivePolicy(SqsClient sqs, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(3, Duration.ofSeconds(20));

    QueueFacts facts = QueueFacts.read(sqs, queue.queueArn(), null, null, 10_000);

    assertThat(facts.queueUrl()).isEqualTo(queue.queueUrl());
    assertThat(facts.visibilitySeconds()).isEqualTo(20);
    assertThat(facts.maxReceiveCount()).isEqualTo(3);
  }

  @Test
  void batchHandler_getsTheEvent_andOnFifoItsReportKeepsEachGroupsOrder(
      SqsClient sqs, AwsResources aws) {
    String queueUrl = aws.createFifoQueueWithDlq(5, Duration.ofSeconds(1)).queueUrl();
    String[][] sends = {{"A", "a1"}, {"A", "a2"}, {"A", "a3"}, {"B", "b1"}};
    for (String[] send : sends) {
      sqs.sendMessage(
          r ->
              r.queueUrl(queueUrl)
                  .messageGroupId(send[0])
                  .messageDeduplicationId(send[1])
                  .messageBody(send[1]));
    }
    Map<String, String> idOf = new ConcurrentHashMap<>();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .batchHandler(
                messages -> {
                  messages.forEach(m -> idOf.put(m.body(), m.messageId()));
                  return dev.sqsx.consumer.BatchOutcome.builder()
                      .failed(idOf.get("a2"), new IllegalStateException("a2 failed"))
                      .build();
                })
            .build();

    Invocation invocation = mapping(sqs, queueUrl, consumer).poll();

    assertThat(invocation.records()).hasSize(4);
    assertThat(invocation.failed())
        .as("a2 failed; a3 is behind it in group A; b1 is not")
        .containsExactlyInAnyOrder(idOf.get("a2"), idOf.get("a3"));
  }

  @Test
  void aRecordNotStartedBeforeTheMargin_isReportedFailed_notRun(SqsClient sqs, AwsResources aws) {
    String queueUrl = aws.createQueue();
    for (int i = 0; i < 3; i++) {
      sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("slow"));
    }
    AtomicInteger started = new AtomicInteger();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .concurrency(1)
            .timeoutMargin(Duration.ofSeconds(2))
            .handler(
                message -> {
                  started.incrementAndGet();
                  Thread.sleep(1_500); // the first one eats the time the others needed
                })
            .build();
    LambdaEventSourceMapping mapping =
        LambdaEventSourceMapping.builder()
            .sqsClient(sqs)
            .queueUrl(queueUrl)
            .handler(new SqsxFunction(consumer) {})
            .functionTimeout(Duration.ofSeconds(3))
            .build();

    Invocation invocation =
        mapping.runUntil(() -> started.get() >= 1, Duration.ofSeconds(10)).get(0);

    assertThat(invocation.records()).hasSize(3);
    assertThat(started.get()).isEqualTo(1);
    assertThat(invocation.failed()).hasSize(2);
    assertThat(aws.messagesIn(queueUrl)).isEqualTo(2);
  }

  @Test
  void aFunctionThatThrows_failsTheWholeBatch(SqsClient sqs, AwsResources aws) {
    String queueUrl = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("one"));
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("two"));
    LambdaEventSourceMapping mapping =
        LambdaEventSourceMapping.builder()
            .sqsClient(sqs)
            .queueUrl(queueUrl)
            .handler(
                (event, context) -> {
                  throw new IllegalStateException("function crashed");
                })
            .build();

    Invocation invocation = mapping.poll();

    assertThat(invocation.records()).isNotEmpty();
    assertThat(invocation.thrown()).hasMessage("function crashed");
    assertThat(invocation.deleted()).isEmpty();
    assertThat(aws.messagesIn(queueUrl)).isEqualTo(2);
  }
}
