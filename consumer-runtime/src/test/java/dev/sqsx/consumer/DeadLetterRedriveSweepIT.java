/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.extended.DynamoDbPayloadStore;
import dev.sqsx.extended.PayloadSweeper;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.RetentionShim;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The payload of a dead letter redriven with {@link DeadLetterRedrive} is not swept while the
 * redriven message can be delivered: a redrive sends the message again with a new enqueue time, so
 * its pointer lives a whole lifetime again. The payload is dated by the DynamoDB store's clock (S3
 * dates objects itself), so a message can have lived nearly its whole lifetime before the redrive.
 */
@LocalAws
class DeadLetterRedriveSweepIT {

  private static final String LARGE = "x".repeat(300_000);

  @Test
  void aDeadLetterRedrivenAsItExpires_keepsItsPayload_whileTheRedrivenMessageCanBeDelivered(
      AwsEndpoints endpoints, SqsAsyncClient sqsAsync, DynamoDbClient dynamoDb, AwsResources aws) {
    try (SqsClient sqs =
        endpoints
            .configure(SqsClient.builder(), endpoints.sqsEndpoint())
            .overrideConfiguration(o -> o.addExecutionInterceptor(new RetentionShim()))
            .build()) {
      QueueWithDlq queues = aws.createQueueWithDlq(1, Duration.ofSeconds(1));
      retention(sqs, queues.queueUrl(), Duration.ofDays(1));
      retention(sqs, queues.dlqUrl(), Duration.ofDays(4));
      // a standard queue whose dead letters may be sent by a consumer: source + DLQ retention
      Duration lifetime = Duration.ofDays(5);
      // stored (and sent) so long ago that the dead letter is 10 minutes from expiring
      Instant stored = Instant.now().minus(lifetime).plus(Duration.ofMinutes(10));
      DynamoDbPayloadStore store =
          DynamoDbPayloadStore.builder()
              .dynamoDbClient(dynamoDb)
              .table(aws.createTable("pk", "sk"))
              .keyPrefix("orders/")
              .timeToLive(Duration.ofDays(30))
              .clock(Clock.fixed(stored, ZoneOffset.UTC))
              .build();
      SqsExtendedClient client =
          SqsExtendedClient.builder().sqsClient(sqs).payloadStore(store).build();
      client.sendMessage(r -> r.queueUrl(queues.queueUrl()).messageBody(LARGE));
      assertThat(receive(sqs, queues.queueUrl())).hasSize(1); // not deleted: dead-lettered next
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  receive(sqs, queues.queueUrl()).isEmpty()
                      && aws.messagesIn(queues.dlqUrl()) == 1);
      assertThat(sweeper(store, sqs, queues, stored.plus(lifetime)).sweep(null, 100).count())
          .as("in the DLQ, at the last instant it can be delivered there")
          .isZero();

      DeadLetterRedrive.of(sqsAsync).start(queues.dlqArn()).join();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> aws.messagesIn(queues.dlqUrl()) == 0 && aws.messagesIn(queues.queueUrl()) == 1);
      Instant redriven = Instant.now();

      PayloadSweeper.Report atLastDelivery =
          sweeper(store, sqs, queues, redriven.plus(lifetime)).sweep(null, 100);
      assertThat(atLastDelivery.count())
          .as("redriven: a new message, deliverable for a whole lifetime again")
          .isZero();
      assertThat(receive(client, queues.queueUrl()))
          .extracting(Message::body)
          .containsExactly(LARGE);

      PayloadSweeper past = sweeper(store, sqs, queues, redriven);
      PayloadSweeper.Report swept =
          sweeper(store, sqs, queues, stored.plus(past.bound()).plusSeconds(1)).sweep(null, 100);
      assertThat(swept.deleted())
          .as("past the bound, its manifest and its one chunk")
          .hasSize(2)
          .allMatch(token -> token.startsWith("orders/"));
    }
  }

  private static PayloadSweeper sweeper(
      DynamoDbPayloadStore store, SqsClient sqs, QueueWithDlq queues, Instant now) {
    return PayloadSweeper.builder()
        .store(store)
        .sqsClient(sqs)
        .queues(List.of(queues.queueUrl()))
        .margin(Duration.ofHours(1))
        .clock(Clock.fixed(now, ZoneOffset.UTC))
        .deletesPerSecond(1000)
        .build();
  }

  private static void retention(SqsClient sqs, String queueUrl, Duration retention) {
    sqs.setQueueAttributes(
        r ->
            r.queueUrl(queueUrl)
                .attributes(
                    Map.of(
                        QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                        Long.toString(retention.toSeconds()))));
  }

  private static List<Message> receive(SqsClient sqs, String queueUrl) {
    return sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
        .messages();
  }
}
