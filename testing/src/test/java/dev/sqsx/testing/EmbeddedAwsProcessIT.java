/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

class EmbeddedAwsProcessIT {

  @Test
  void endpointsInTheirOwnJvm_answer_andStopWithTheParentsClose() {
    long pid;
    List<ProcessHandle> grandchildren;
    try (EmbeddedAwsProcess aws = EmbeddedAwsProcess.start("-Xmx512m");
        SqsClient sqs = aws.endpoints().newSqsClient();
        S3Client s3 = aws.endpoints().newS3Client();
        DynamoDbClient dynamoDb = aws.endpoints().newDynamoDbClient()) {
      pid = aws.pid();
      assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
      String queue = sqs.createQueue(r -> r.queueName("in-a-child")).queueUrl();
      sqs.sendMessage(r -> r.queueUrl(queue).messageBody("hello"));
      assertThat(sqs.receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(2)).messages())
          .singleElement()
          .satisfies(m -> assertThat(m.body()).isEqualTo("hello"));
      s3.createBucket(r -> r.bucket("child"));
      s3.putObject(r -> r.bucket("child").key("k"), RequestBody.fromString("v"));
      assertThat(s3.getObjectAsBytes(r -> r.bucket("child").key("k")).asUtf8String())
          .isEqualTo("v");
      assertThat(dynamoDb.listTables().tableNames()).isEmpty();
      grandchildren = ProcessHandle.of(pid).orElseThrow().descendants().toList();
      assertThat(grandchildren)
          .as("dynalite runs as a child of the endpoints' JVM")
          .anySatisfy(p -> assertThat(p.info().command().orElse("")).contains("node"));
    }
    Optional<ProcessHandle> child = ProcessHandle.of(pid);
    assertThat(child.map(ProcessHandle::isAlive).orElse(false))
        .as("child alive %s after close", Duration.ofSeconds(10))
        .isFalse();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(grandchildren)
                    .as("dynalite stops with the endpoints' JVM")
                    .noneMatch(ProcessHandle::isAlive));
  }
}
