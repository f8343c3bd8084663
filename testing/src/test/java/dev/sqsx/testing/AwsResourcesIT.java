/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

@LocalAws
class AwsResourcesIT {

  @Test
  void close_removesEveryQueueBucketAndTableItCreated(AwsEndpoints endpoints) {
    try (SqsClient sqs = endpoints.newSqsClient();
        S3Client s3 = endpoints.newS3Client();
        DynamoDbClient dynamoDb = endpoints.newDynamoDbClient()) {
      AwsResources resources = new AwsResources(sqs, s3, dynamoDb, endpoints.region(), "close");
      String queue = resources.createQueue();
      QueueWithDlq withDlq = resources.createQueueWithDlq(1, Duration.ofSeconds(1));
      String bucket = resources.createBucket();
      s3.putObject(r -> r.bucket(bucket).key("left-behind"), RequestBody.fromString("x"));
      String table = resources.createTable("pk");

      resources.close();

      for (String url : new String[] {queue, withDlq.queueUrl(), withDlq.dlqUrl()}) {
        assertThatThrownBy(() -> sqs.getQueueAttributes(r -> r.queueUrl(url)))
            .isInstanceOf(QueueDoesNotExistException.class);
      }
      assertThatThrownBy(() -> s3.headBucket(r -> r.bucket(bucket)))
          .isInstanceOf(NoSuchBucketException.class);
      assertThatThrownBy(() -> dynamoDb.describeTable(r -> r.tableName(table)))
          .isInstanceOf(ResourceNotFoundException.class);
    }
  }

  @Test
  void messagesIn_countsVisibleInFlightAndDelayed_untilDeleted(SqsClient sqs, AwsResources aws) {
    String queue = aws.createQueue();
    sqs.sendMessage(r -> r.queueUrl(queue).messageBody("visible"));
    sqs.sendMessage(r -> r.queueUrl(queue).messageBody("delayed").delaySeconds(60));
    sqs.sendMessage(r -> r.queueUrl(queue).messageBody("in flight"));
    var inFlight =
        sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(1).visibilityTimeout(60))
            .messages()
            .get(0);

    assertThat(aws.messagesIn(queue)).isEqualTo(3);

    sqs.deleteMessage(r -> r.queueUrl(queue).receiptHandle(inFlight.receiptHandle()));
    assertThat(aws.messagesIn(queue)).isEqualTo(2);
  }

  @Test
  void names_areUniqueAndCarryThePrefixAndHint(AwsResources aws) {
    String first = aws.uniqueName("Orders_Queue");
    String second = aws.uniqueName("Orders_Queue");

    assertThat(first).isNotEqualTo(second).startsWith("sqsx-").endsWith("-orders-queue");
    assertThat(aws.createFifoQueue()).endsWith(".fifo");
  }

  @Test
  void prefix_outOfRule_isRejectedWithTheRule(SqsClient sqs, S3Client s3, DynamoDbClient dynamoDb) {
    assertThatThrownBy(
            () ->
                new AwsResources(
                    sqs,
                    s3,
                    dynamoDb,
                    software.amazon.awssdk.regions.Region.US_EAST_1,
                    "Bad_Prefix"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "prefix must be 1..20 of [a-z0-9-] (it starts queue, bucket and table names), was"
                + " 'Bad_Prefix'");
  }

  @Test
  void maxReceiveCount_outOfRange_isRejectedWithTheLimit(AwsResources aws) {
    assertThatThrownBy(() -> aws.createQueueWithDlq(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxReceiveCount must be 1..1000 (SQS redrive policy limit), was 0");
    assertThatThrownBy(() -> aws.createQueueWithDlq(1, Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("visibilityTimeout must be whole seconds 0..43200 (SQS limit), was PT1.5S");
  }

  @Test
  void sharedClients_andEndpoints_pointAtTheSameServers(AwsEndpoints endpoints, SqsClient sqs) {
    assertThat(endpoints.mode()).isEqualTo(AwsMode.fromEnvironment());
    assertThat(sqs.listQueues().sdkHttpResponse().isSuccessful()).isTrue();
    if (endpoints.mode() == AwsMode.EMBEDDED) {
      assertThat(endpoints.sqsEndpoint())
          .hasValueSatisfying(uri -> assertThat(uri.getHost()).isEqualTo("127.0.0.1"));
      assertThat(endpoints.s3Endpoint()).isPresent();
      assertThat(endpoints.dynamoDbEndpoint()).isPresent();
    }
  }
}
