/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static dev.sqsx.consumer.ConsumerTestSupport.sendNumbered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** What {@link SqsConsumer#close()} leaves behind: nothing that can still take a message. */
@LocalAws
class ShutdownIT {

  @ParameterizedTest(name = "extended client: {0}")
  @ValueSource(booleans = {false, true})
  void closeWhileLongPollsAreOpen_leavesNoReceiveThatCanTakeMessages(
      boolean extended,
      SqsClient sqs,
      SqsAsyncClient sqsAsync,
      S3AsyncClient s3Async,
      AwsResources aws) {
    String queueUrl = aws.createQueue("idle", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "120"));
    SqsAsyncClient client =
        extended
            ? SqsExtendedAsyncClient.builder()
                .sqsClient(sqsAsync)
                .payloadStore(
                    S3PayloadStore.builder()
                        .s3AsyncClient(s3Async)
                        .bucket(aws.createBucket())
                        .build())
                .build()
            : sqsAsync;
    Set<String> handled = ConcurrentHashMap.newKeySet();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(client)
            .queueUrl(queueUrl)
            .concurrency(16)
            .waitTime(Duration.ofSeconds(5))
            .handler(m -> handled.add(m.body()))
            .build();
    consumer.start();
    // let the long polls open on the empty queue
    await().pollDelay(Duration.ofMillis(1500)).until(() -> true);

    consumer.close();
    sendNumbered(sqs, queueUrl, 5);

    List<Message> visible = new ArrayList<>();
    long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    while (visible.size() < 5 && System.nanoTime() < until) {
      visible.addAll(
          sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages());
    }
    assertThat(visible)
        .as("every message sent after close() is receivable: no abandoned poll took one")
        .hasSize(5);
    assertThat(handled).isEmpty();
  }
}
