/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.QueueWithDlq;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The consumer's re-reads of its queue's redrive policy, driven by hand (no refresh timer). */
@LocalAws
class QueueWatchIT {

  @Test
  void changedRedrivePolicy_whoseDlqCannotBeFoundYet_isAdoptedWholeAtTheRefreshThatFindsIt(
      SqsClient sqs, SqsAsyncClient sqsAsync, AwsResources aws) {
    QueueWithDlq queue = aws.createQueueWithDlq(5, Duration.ofSeconds(1));
    String newDlqName = aws.uniqueName("new-dlq");
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    SqsConsumer consumer =
        SqsConsumer.builder()
            .sqsClient(sqsAsync)
            .queueUrl(queue.queueUrl())
            .waitTime(Duration.ofSeconds(1))
            .queueAttributesRefresh(Duration.ZERO)
            .retryPolicy(RetryPolicy.immediate())
            .handler(
                m -> {
                  attempts.add(m.attempt());
                  throw new IllegalStateException("always");
                })
            .build();
    consumer.start();

    // SQS refuses a policy naming a queue that does not exist: name it, then delete it.
    String newDlqUrl = sqs.createQueue(r -> r.queueName(newDlqName)).queueUrl();
    redrivePolicy(sqs, queue.queueUrl(), 2, aws.queueArn(newDlqUrl));
    sqs.deleteQueue(r -> r.queueUrl(newDlqUrl));
    consumer.queueWatch().refresh().join(); // the new DLQ's lookup fails
    Optional<Integer> countAfterTheFailedLookup = consumer.queueWatch().current().maxReceiveCount();
    sqs.createQueue(r -> r.queueName(newDlqName));
    consumer.queueWatch().refresh().join();
    sqs.sendMessage(r -> r.queueUrl(queue.queueUrl()).messageBody("to the new DLQ"));
    await().atMost(Duration.ofSeconds(20)).until(() -> consumer.stats().deadLettered() == 1);
    consumer.close();

    assertThat(aws.messagesIn(newDlqUrl))
        .as("dead-lettered to the DLQ the changed policy names, once it could be found")
        .isEqualTo(1);
    assertThat(aws.messagesIn(queue.dlqUrl())).as("the DLQ of the old policy").isZero();
    assertThat(attempts).as("the new policy's maxReceiveCount of 2").containsExactly(1, 2);
    assertThat(countAfterTheFailedLookup)
        .as("while its DLQ could not be found, the old policy was kept whole")
        .contains(5);
    sqs.deleteQueue(r -> r.queueUrl(newDlqUrl));
  }

  private static void redrivePolicy(
      SqsClient sqs, String queueUrl, int maxReceiveCount, String dlqArn) {
    sqs.setQueueAttributes(
        r ->
            r.queueUrl(queueUrl)
                .attributes(
                    Map.of(
                        QueueAttributeName.REDRIVE_POLICY,
                        "{\"maxReceiveCount\":\""
                            + maxReceiveCount
                            + "\",\"deadLetterTargetArn\":\""
                            + dlqArn
                            + "\"}")));
  }
}
