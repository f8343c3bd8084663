/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import static dev.sqsx.sns.SnsFanOutIT.payload;
import static dev.sqsx.sns.SnsFanOutIT.receive;
import static dev.sqsx.sns.SnsFanOutIT.snsClient;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.extended.PayloadSweeper;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.RetentionShim;
import dev.sqsx.testing.sns.LocalSns;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A payload published through SNS is never deleted by a subscriber (the fan-out rule): the sweeper
 * keeps it while any subscription's copy can be delivered, and removes it once the bound over the
 * subscribed queues has passed, so fan-out leaves nothing behind.
 */
@LocalAws
class SnsSweepIT {

  @Test
  void aFannedOutPayload_readAndDeletedByEverySubscriber_isLeftByThem_andSweptOnceTheBoundPasses(
      SqsClient sqs, S3Client s3, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    String enveloped = aws.createQueue();
    String raw = aws.createQueue();
    String body = payload(300_000);
    S3PayloadStore store =
        S3PayloadStore.builder().s3Client(s3).bucket(bucket).keyPrefix("fanout/").build();
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns);
        SqsClient withRetention =
            endpoints
                .configure(SqsClient.builder(), endpoints.sqsEndpoint())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new RetentionShim()))
                .build()) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      sns.subscribe(topic, aws.queueArn(enveloped), false);
      sns.subscribe(topic, aws.queueArn(raw), true);
      SnsExtendedClient.builder()
          .snsClient(plain)
          .payloadStore(store)
          .build()
          .publish(r -> r.topicArn(topic).message(body));
      List<String> queues = List.of(enveloped, raw);
      PayloadSweeper probe = sweeper(store, withRetention, queues, Clock.systemUTC());
      Duration lifetime = probe.bound().minus(Duration.ofHours(1));

      assertThat(
              sweeper(store, withRetention, queues, Clock.offset(Clock.systemUTC(), lifetime))
                  .sweep(null, 100)
                  .count())
          .as("both subscriptions' copies can still be delivered")
          .isZero();

      SqsExtendedClient reader =
          SqsExtendedClient.builder().sqsClient(sqs).payloadStore(store).snsEnvelopes(true).build();
      Message fromEnvelope = receive(reader, enveloped, 1).get(0);
      assertThat(fromEnvelope.body()).isEqualTo(body);
      reader.deleteMessage(r -> r.queueUrl(enveloped).receiptHandle(fromEnvelope.receiptHandle()));
      SqsExtendedClient rawReader =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadStore(store)
              .cleanupPayload(false)
              .build();
      Message fromRaw = receive(rawReader, raw, 1).get(0);
      assertThat(fromRaw.body()).isEqualTo(body);
      rawReader.deleteMessage(r -> r.queueUrl(raw).receiptHandle(fromRaw.receiptHandle()));
      assertThat(aws.messagesIn(enveloped) + aws.messagesIn(raw)).isZero();
      assertThat(keys(s3, bucket)).as("no subscriber deletes a fanned-out payload").hasSize(1);

      PayloadSweeper.Report swept =
          sweeper(
                  store,
                  withRetention,
                  queues,
                  Clock.offset(Clock.systemUTC(), probe.bound().plusMinutes(1)))
              .sweep(null, 100);

      assertThat(swept.deleted()).hasSize(1).allMatch(key -> key.startsWith("fanout/"));
      assertThat(keys(s3, bucket)).as("nothing left behind").isEmpty();
    }
  }

  private static PayloadSweeper sweeper(
      S3PayloadStore store, SqsClient sqs, List<String> queues, Clock clock) {
    return PayloadSweeper.builder()
        .store(store)
        .sqsClient(sqs)
        .queues(queues)
        .margin(Duration.ofHours(1))
        .clock(clock)
        .deletesPerSecond(1000)
        .build();
  }

  private static List<String> keys(S3Client s3, String bucket) {
    return s3.listObjectsV2(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList();
  }
}
