/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import static dev.sqsx.sns.SnsFanOutIT.payload;
import static dev.sqsx.sns.SnsFanOutIT.receive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.sns.LocalSns;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.GetTopicAttributesRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The {@code auto} threshold of both SNS extended clients: a topic's own {@code MaximumMessageSize}
 * (262,144 unless raised, up to 1,048,576 — SNS's topic attribute, served by {@link LocalSns})
 * decides what is offloaded, for single publishes and batches.
 */
@LocalAws
class SnsAutoThresholdIT {

  private SqsClient sqs;
  private S3Client s3;
  private S3AsyncClient s3Async;
  private AwsEndpoints endpoints;
  private AwsResources aws;
  private LocalSns sns;
  private String bucket;
  private String queue;
  private final AtomicInteger attributeReads = new AtomicInteger();
  private volatile boolean refuseAttributeReads;

  /** Counts GetTopicAttributes calls, and refuses them as SNS does without the permission. */
  private final ExecutionInterceptor topicAttributeReads =
      new ExecutionInterceptor() {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes ignored) {
          if (context.request() instanceof GetTopicAttributesRequest) {
            attributeReads.incrementAndGet();
            if (refuseAttributeReads) {
              throw SnsException.builder()
                  .statusCode(403)
                  .message("not authorized to perform SNS:GetTopicAttributes")
                  .awsErrorDetails(
                      AwsErrorDetails.builder()
                          .errorCode("AuthorizationError")
                          .serviceName("SNS")
                          .build())
                  .build();
            }
          }
        }
      };

  @BeforeEach
  void setUp(
      SqsClient sqs, S3Client s3, S3AsyncClient s3Async, AwsEndpoints endpoints, AwsResources aws) {
    this.sqs = sqs;
    this.s3 = s3;
    this.s3Async = s3Async;
    this.endpoints = endpoints;
    this.aws = aws;
    this.sns = LocalSns.start(sqs, endpoints.region().id());
    this.bucket = aws.createBucket();
    this.queue = aws.createQueue();
  }

  @AfterEach
  void stop() {
    sns.close();
  }

  /**
   * A publisher (synchronous or asynchronous, adapted to one interface) with the auto threshold.
   */
  private interface Publisher {
    void publish(PublishRequest request);

    PublishBatchResponse publishBatch(String topicArn, List<PublishBatchRequestEntry> entries);
  }

  private Publisher publisher(boolean async) {
    if (async) {
      SnsAsyncClient plain =
          SnsAsyncClient.builder()
              .region(endpoints.region())
              .credentialsProvider(endpoints.credentialsProvider())
              .endpointOverride(sns.endpoint())
              .overrideConfiguration(c -> c.addExecutionInterceptor(topicAttributeReads))
              .build();
      SnsExtendedAsyncClient client =
          SnsExtendedAsyncClient.builder()
              .snsAsyncClient(plain)
              .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
              .build();
      return new Publisher() {
        @Override
        public void publish(PublishRequest request) {
          client.publish(request).join();
        }

        @Override
        public PublishBatchResponse publishBatch(
            String topicArn, List<PublishBatchRequestEntry> entries) {
          return client
              .publishBatch(r -> r.topicArn(topicArn).publishBatchRequestEntries(entries))
              .join();
        }
      };
    }
    SnsClient plain =
        SnsClient.builder()
            .region(endpoints.region())
            .credentialsProvider(endpoints.credentialsProvider())
            .endpointOverride(sns.endpoint())
            .overrideConfiguration(c -> c.addExecutionInterceptor(topicAttributeReads))
            .build();
    SnsExtendedClient client =
        SnsExtendedClient.builder()
            .snsClient(plain)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
            .build();
    return new Publisher() {
      @Override
      public void publish(PublishRequest request) {
        client.publish(request);
      }

      @Override
      public PublishBatchResponse publishBatch(
          String topicArn, List<PublishBatchRequestEntry> entries) {
        return client.publishBatch(r -> r.topicArn(topicArn).publishBatchRequestEntries(entries));
      }
    };
  }

  private String topic(Integer maximumMessageSize) {
    String topic = sns.createTopic(aws.uniqueName("orders"));
    if (maximumMessageSize != null) {
      sns.maximumMessageSize(topic, maximumMessageSize);
    }
    sns.subscribe(topic, aws.queueArn(queue), true);
    return topic;
  }

  private static PublishRequest message(String topic, int bytes) {
    return PublishRequest.builder().topicArn(topic).message(payload(bytes)).build();
  }

  private List<Boolean> offloaded() {
    return sns.publications().stream()
        .map(publication -> publication.messageAttributes().containsKey("ExtendedPayloadSize"))
        .toList();
  }

  @ParameterizedTest(name = "async {0}")
  @ValueSource(booleans = {false, true})
  void topicAtTheDefault_thresholdStays262144(boolean async) {
    String topic = topic(null);
    Publisher publisher = publisher(async);

    publisher.publish(message(topic, 262_144));
    publisher.publish(message(topic, 262_145));
    publisher.publish(message(topic, 900_000));

    assertThat(offloaded()).containsExactly(false, true, true);
    assertThat(attributeReads.get()).isEqualTo(1);
  }

  @ParameterizedTest(name = "async {0}")
  @ValueSource(booleans = {false, true})
  void topicRaisedTo1MiB_900KbStaysInlineAndReachesTheQueue(boolean async) {
    String topic = topic(1_048_576);

    publisher(async).publish(message(topic, 900_000));

    assertThat(offloaded()).containsExactly(false);
    assertThat(receive(sqs, queue, 1).get(0).body()).hasSize(900_000);
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount()).isZero();
  }

  @ParameterizedTest(name = "async {0}")
  @ValueSource(booleans = {false, true})
  void batch_isPlannedAgainstTheTopicsLimit(boolean async) {
    String raised = topic(1_048_576);
    String standard = topic(null);
    Publisher publisher = publisher(async);
    List<PublishBatchRequestEntry> entries =
        List.of(entry("a", 300_000), entry("b", 300_000), entry("c", 310_000));

    PublishBatchResponse inline = publisher.publishBatch(raised, entries);
    PublishBatchResponse offloadedEach = publisher.publishBatch(standard, entries);

    assertThat(inline.successful()).hasSize(3);
    assertThat(offloadedEach.successful()).hasSize(3);
    assertThat(offloaded()).containsExactly(false, false, false, true, true, true);
  }

  @ParameterizedTest(name = "async {0}")
  @ValueSource(booleans = {false, true})
  void refusedGetTopicAttributes_fallsBackTo262144(boolean async) {
    String topic = topic(1_048_576);
    refuseAttributeReads = true;
    Publisher publisher = publisher(async);

    publisher.publish(message(topic, 300_000));
    publisher.publish(message(topic, 200_000));

    assertThat(offloaded()).containsExactly(true, false);
    assertThat(attributeReads.get()).isEqualTo(1);
  }

  @ParameterizedTest(name = "async {0}")
  @ValueSource(booleans = {false, true})
  void topicLimitLoweredWhileKept_refusedPublishIsOffloadedAfterAFreshRead(boolean async) {
    String topic = topic(1_048_576);
    Publisher publisher = publisher(async);
    publisher.publish(message(topic, 900_000));
    // the topic's limit is lowered while the client keeps the old one (5 min)
    sns.maximumMessageSize(topic, 262_144);

    publisher.publish(message(topic, 900_000));
    publisher.publish(message(topic, 900_000));

    assertThat(offloaded()).containsExactly(false, true, true);
    assertThat(receive(sqs, queue, 3)).hasSize(3);
    assertThat(attributeReads.get()).isEqualTo(2);
  }

  @ParameterizedTest(name = "async {0}")
  @ValueSource(booleans = {false, true})
  void topicLimitLoweredWhileKept_refusedBatchIsPlannedAgainAfterAFreshRead(boolean async) {
    String topic = topic(1_048_576);
    Publisher publisher = publisher(async);
    publisher.publish(message(topic, 900_000));
    sns.maximumMessageSize(topic, 262_144);

    PublishBatchResponse batch =
        publisher.publishBatch(topic, List.of(entry("a", 100_000), entry("b", 400_000)));

    assertThat(batch.successful()).hasSize(2);
    assertThat(batch.failed()).isEmpty();
    assertThat(offloaded()).containsExactly(false, false, true);
    assertThat(receive(sqs, queue, 3)).hasSize(3);
    assertThat(attributeReads.get()).isEqualTo(2);
  }

  private static PublishBatchRequestEntry entry(String id, int bytes) {
    return PublishBatchRequestEntry.builder().id(id).message(payload(bytes)).build();
  }
}
