/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import dev.sqsx.testing.lambda.LambdaEventSourceMapping;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The example function on embedded endpoints, through the local event source mapping. */
@LocalAws
class OrderFunctionIT {

  @Test
  void ordersLargeAndDuplicated_areAppliedOnce_andAMalformedOrderIsDeadLettered(
      SqsClient sqs, S3Client s3, DynamoDbClient dynamoDb, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(3, Duration.ofSeconds(1));
    String bucket = aws.createBucket();
    String table = aws.uniqueName("orders-idempotency");
    DynamoDbIdempotencyStore.createTable(dynamoDb, table);
    SqsClient producer =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
            .build();
    producer.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody(order("o-1", 10)));
    producer.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody(order("o-1", 10)));
    producer.sendMessage(
        r -> r.queueUrl(queue.queueUrl()).messageBody(order("o-2", 300_000))); // to S3
    producer.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("{\"no\":\"order id\"}"));
    List<String> applied = new CopyOnWriteArrayList<>();
    OrderFunction function =
        new OrderFunction(
            sqs,
            s3,
            dynamoDb,
            Map.of(
                "PAYLOAD_BUCKET", bucket,
                "IDEMPOTENCY_TABLE", table,
                "DLQ_URL", queue.dlqUrl()),
            applied::add);

    LambdaEventSourceMapping.builder()
        .sqsClient(sqs)
        .queueUrl(queue.queueUrl())
        .handler(function)
        .build()
        .runUntil(() -> aws.messagesIn(queue.queueUrl()) == 0, Duration.ofSeconds(60));

    assertThat(applied).containsExactlyInAnyOrder("o-1", "o-2");
    var dead =
        sqs.receiveMessage(
                r -> r.queueUrl(queue.dlqUrl()).waitTimeSeconds(2).messageAttributeNames("All"))
            .messages();
    assertThat(dead)
        .as("the order without an id, dead-lettered at once with its reason")
        .hasSize(1);
    assertThat(dead.get(0).messageAttributes().get("sqsx.ErrorClass").stringValue())
        .isEqualTo("dev.sqsx.consumer.NonRetryableException");
  }

  private static String order(String id, int padding) {
    return "{\"orderId\":\"" + id + "\",\"amount\":10,\"note\":\"" + "x".repeat(padding) + "\"}";
  }
}
