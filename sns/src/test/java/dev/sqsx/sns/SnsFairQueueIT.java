/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import static dev.sqsx.sns.SnsFanOutIT.payload;
import static dev.sqsx.sns.SnsFanOutIT.snsClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.sns.LocalSns;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Fair queues through SNS: a {@code MessageGroupId} published on a standard topic reaches the
 * subscribed standard queue's message as its group, for single and batch publishes, inline and
 * offloaded.
 */
@LocalAws
class SnsFairQueueIT {

  @Test
  void messageGroupId_onAStandardTopic_reachesTheSubscribedQueue_inlineAndOffloaded_singleAndBatch(
      SqsClient sqs, S3Client s3, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    String raw = aws.createQueue();
    String enveloped = aws.createQueue();
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("tenants"));
      sns.subscribe(topic, aws.queueArn(raw), true);
      sns.subscribe(topic, aws.queueArn(enveloped), false);
      SnsExtendedClient publisher = SnsPublisherIT.publisher(plain, s3, bucket);

      publisher.publish(
          r ->
              r.topicArn(topic)
                  .message("small")
                  .messageGroupId("single-inline")
                  .messageAttributes(id("1")));
      publisher.publish(
          r ->
              r.topicArn(topic)
                  .message(payload(300_000))
                  .messageGroupId("single-offloaded")
                  .messageAttributes(id("2")));
      PublishBatchResponse batch =
          publisher.publishBatch(
              r ->
                  r.topicArn(topic)
                      .publishBatchRequestEntries(
                          entry("3", "small", "batch-inline"),
                          entry("4", payload(300_000), "batch-offloaded")));

      assertThat(batch.failed()).isEmpty();
      assertThat(offloaded(sns.publications()))
          .as("what the publisher offloaded")
          .containsExactly(false, true, false, true);
      Map<String, String> groupById = new HashMap<>();
      for (Message message : receiveWithGroups(sqs, raw, 4)) {
        groupById.put(
            message.messageAttributes().get("id").stringValue(),
            message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
      }
      assertThat(groupById)
          .as("raw delivery: each message's group")
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "1", "single-inline",
                  "2", "single-offloaded",
                  "3", "batch-inline",
                  "4", "batch-offloaded"));
      assertThat(
              receiveWithGroups(sqs, enveloped, 4).stream()
                  .map(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                  .toList())
          .as("enveloped delivery: the groups")
          .containsExactlyInAnyOrder(
              "single-inline", "single-offloaded", "batch-inline", "batch-offloaded");
    }
  }

  private static List<Message> receiveWithGroups(SqsClient sqs, String queueUrl, int count) {
    List<Message> received = new CopyOnWriteArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              received.addAll(
                  sqs.receiveMessage(
                          r ->
                              r.queueUrl(queueUrl)
                                  .maxNumberOfMessages(10)
                                  .waitTimeSeconds(1)
                                  .messageAttributeNames("All")
                                  .messageSystemAttributeNames(
                                      MessageSystemAttributeName.MESSAGE_GROUP_ID))
                      .messages());
              return received.size() >= count;
            });
    return received;
  }

  private static Map<String, MessageAttributeValue> id(String id) {
    return Map.of("id", MessageAttributeValue.builder().dataType("String").stringValue(id).build());
  }

  private static PublishBatchRequestEntry entry(String id, String message, String group) {
    return PublishBatchRequestEntry.builder()
        .id("e" + id)
        .message(message)
        .messageGroupId(group)
        .messageAttributes(id(id))
        .build();
  }

  private static List<Boolean> offloaded(List<LocalSns.Publication> publications) {
    return publications.stream()
        .map(publication -> publication.messageAttributes().containsKey("ExtendedPayloadSize"))
        .toList();
  }
}
