/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import static dev.sqsx.sns.SnsFanOutIT.payload;
import static dev.sqsx.sns.SnsFanOutIT.receive;
import static dev.sqsx.sns.SnsFanOutIT.snsClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sqsx.extended.ExtendedClientException;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.faults.Fault;
import dev.sqsx.testing.faults.FaultInjector;
import dev.sqsx.testing.sns.LocalSns;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.BatchEntryIdsNotDistinctException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** What the SNS publisher offloads, what it refuses, and what it cleans up. */
@LocalAws
class SnsPublisherIT {

  @Test
  void smallMessages_passUnchanged_andABatchOffloadsWhatMust(
      SqsClient sqs, S3Client s3, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    String raw = aws.createQueue();
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      sns.subscribe(topic, aws.queueArn(raw), true);
      SnsExtendedClient publisher = publisher(plain, s3, bucket);

      publisher.publish(r -> r.topicArn(topic).message("small"));
      PublishBatchResponse over =
          publisher.publishBatch(
              r ->
                  r.topicArn(topic)
                      .publishBatchRequestEntries(
                          entry("a", payload(10_000)),
                          entry("b", payload(200_000)),
                          entry("c", payload(300_000))));
      PublishBatchResponse together =
          publisher.publishBatch(
              r ->
                  r.topicArn(topic)
                      .publishBatchRequestEntries(
                          entry("d", payload(150_000)), entry("e", payload(160_000))));

      assertThat(over.successful()).hasSize(3);
      assertThat(together.successful()).hasSize(2);
      List<LocalSns.Publication> published = sns.publications();
      assertThat(published.get(0).message()).isEqualTo("small");
      assertThat(published.get(0).messageAttributes()).isEmpty();
      assertThat(offloaded(published.subList(1, 4)))
          .as("only the entry over the threshold")
          .containsExactly(false, false, true);
      assertThat(offloaded(published.subList(4, 6)))
          .as("each under the threshold, together over SNS's batch limit: the larger one goes")
          .containsExactly(false, true);
      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount()).isEqualTo(2);

      SqsExtendedClient reader =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
              .cleanupPayload(false)
              .build();
      List<Message> received = receive(reader, raw, 6);
      assertThat(received)
          .extracting(message -> message.body().length())
          .containsExactlyInAnyOrder(5, 10_000, 200_000, 300_000, 150_000, 160_000);
    }
  }

  @Test
  void whatCannotBeOffloaded_isRefusedBeforeAnythingIsStored(
      SqsClient sqs, S3Client s3, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      SnsExtendedClient publisher = publisher(plain, s3, bucket);
      String large = payload(300_000);

      assertThatThrownBy(
              () ->
                  publisher.publish(r -> r.topicArn(topic).message(large).messageStructure("json")))
          .isInstanceOf(ExtendedClientException.class)
          .hasMessageContaining("MessageStructure json");
      Map<String, MessageAttributeValue> ten = new HashMap<>();
      for (int i = 0; i < 10; i++) {
        ten.put(
            "a" + i, MessageAttributeValue.builder().dataType("String").stringValue("v").build());
      }
      assertThatThrownBy(
              () -> publisher.publish(r -> r.topicArn(topic).message(large).messageAttributes(ten)))
          .isInstanceOf(ExtendedClientException.class)
          .hasMessageContaining("at most 9 message attributes")
          .hasMessageContaining("this one has 10");
      assertThatThrownBy(
              () ->
                  publisher.publish(
                      r ->
                          r.topicArn(topic)
                              .message(large)
                              .messageAttributes(
                                  Map.of(
                                      "ExtendedPayloadSize",
                                      MessageAttributeValue.builder()
                                          .dataType("Number")
                                          .stringValue("1")
                                          .build()))))
          .isInstanceOf(ExtendedClientException.class)
          .hasMessageContaining("reserved");

      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount()).isZero();
      assertThat(sns.publications()).isEmpty();
    }
  }

  @Test
  void aPublishSnsRefuses_deletesItsPayload(
      SqsClient sqs, S3Client s3, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      SnsExtendedClient publisher = publisher(plain, s3, bucket);
      String missing = "arn:aws:sns:" + endpoints.region().id() + ":000000000000:no-such-topic";

      assertThatThrownBy(
              () -> publisher.publish(r -> r.topicArn(missing).message(payload(300_000))))
          .isInstanceOf(NotFoundException.class);

      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount())
          .as("SNS answered no: nothing points at the payload")
          .isZero();
    }
  }

  @Test
  void aPublishAnsweredWithAServerError_keepsItsPayload_itMayHaveBeenPublished(
      SqsClient sqs, S3Client s3, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    FaultInjector faults =
        FaultInjector.builder().failureRate(1.0).faults(Fault.SERVER_ERROR).build();
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient failing =
            SnsClient.builder()
                .region(endpoints.region())
                .credentialsProvider(endpoints.credentialsProvider())
                .endpointOverride(sns.endpoint())
                .httpClientBuilder(faults.wrap(Apache5HttpClient.builder()))
                .build()) {
      SnsExtendedClient publisher = publisher(failing, s3, bucket);
      String topic = "arn:aws:sns:" + endpoints.region().id() + ":000000000000:orders";

      assertThatThrownBy(() -> publisher.publish(r -> r.topicArn(topic).message(payload(300_000))))
          .isInstanceOf(SnsException.class)
          .satisfies(e -> assertThat(((SnsException) e).statusCode()).isEqualTo(500));

      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount())
          .as("a 5xx leaves the outcome unknown (an earlier attempt may have published)")
          .isEqualTo(1);
    }
  }

  @Test
  void theAsyncPublisher_offloadsSinglesAndBatches(
      SqsClient sqs, S3Client s3, S3AsyncClient s3Async, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    String raw = aws.createQueue();
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsAsyncClient plain =
            SnsAsyncClient.builder()
                .region(endpoints.region())
                .credentialsProvider(endpoints.credentialsProvider())
                .endpointOverride(sns.endpoint())
                .build()) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      sns.subscribe(topic, aws.queueArn(raw), true);
      SnsExtendedAsyncClient publisher =
          SnsExtendedAsyncClient.builder()
              .snsAsyncClient(plain)
              .payloadStore(
                  S3PayloadStore.builder()
                      .s3Client(s3)
                      .s3AsyncClient(s3Async)
                      .bucket(bucket)
                      .build())
              .build();

      publisher.publish(r -> r.topicArn(topic).message(payload(400_000))).join();
      publisher
          .publishBatch(
              r ->
                  r.topicArn(topic)
                      .publishBatchRequestEntries(
                          entry("x", payload(270_000)), entry("y", "small")))
          .join();
      String missing = "arn:aws:sns:" + endpoints.region().id() + ":000000000000:no-such-topic";
      assertThatThrownBy(
              () -> publisher.publish(r -> r.topicArn(missing).message(payload(300_000))).join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(NotFoundException.class);

      assertThat(offloaded(sns.publications())).containsExactly(true, true, false);
      SqsExtendedClient reader =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
              .cleanupPayload(false)
              .build();
      assertThat(receive(reader, raw, 3))
          .extracting(message -> message.body().length())
          .containsExactlyInAnyOrder(400_000, 270_000, 5);
      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount())
          .as("two published payloads; the refused one's was deleted")
          .isEqualTo(2);
    }
  }

  @ParameterizedTest(name = "async {0}")
  @ValueSource(booleans = {false, true})
  void publishBatch_duplicateEntryIds_areRefusedBeforeAnythingIsStored(
      boolean async,
      SqsClient sqs,
      S3Client s3,
      S3AsyncClient s3Async,
      AwsEndpoints endpoints,
      AwsResources aws) {
    String bucket = aws.createBucket();
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns);
        SnsAsyncClient plainAsync = snsAsyncClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      sns.subscribe(topic, aws.queueArn(aws.createQueue()), true);
      PublishBatchRequest twice =
          PublishBatchRequest.builder()
              .topicArn(topic)
              .publishBatchRequestEntries(
                  entry("same", payload(300_000)), entry("same", payload(310_000)))
              .build();

      Throwable refusal;
      if (async) {
        CompletableFuture<PublishBatchResponse> published =
            SnsExtendedAsyncClient.builder()
                .snsAsyncClient(plainAsync)
                .payloadStore(
                    S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
                .build()
                .publishBatch(twice);
        refusal = catchThrowable(published::join);
        assertThat(refusal).as("a failed future").isInstanceOf(CompletionException.class);
        refusal = refusal.getCause();
      } else {
        refusal = catchThrowable(() -> publisher(plain, s3, bucket).publishBatch(twice));
      }

      assertThat(refusal)
          .as("refused with SNS's own error")
          .isInstanceOf(BatchEntryIdsNotDistinctException.class)
          .hasMessageStartingWith(
              "Two or more batch entries in the request have the same Id: 'same'"
                  + " (refused by sqsx before storing any payload)");
      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount())
          .as("refused before any payload was stored")
          .isZero();
      assertThat(sns.publications()).isEmpty();
    }
  }

  static SnsExtendedClient publisher(SnsClient plain, S3Client s3, String bucket) {
    return SnsExtendedClient.builder()
        .snsClient(plain)
        .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
        .build();
  }

  private static SnsAsyncClient snsAsyncClient(AwsEndpoints endpoints, LocalSns sns) {
    return SnsAsyncClient.builder()
        .region(endpoints.region())
        .credentialsProvider(endpoints.credentialsProvider())
        .endpointOverride(sns.endpoint())
        .build();
  }

  private static PublishBatchRequestEntry entry(String id, String message) {
    return PublishBatchRequestEntry.builder().id(id).message(message).build();
  }

  private static List<Boolean> offloaded(List<LocalSns.Publication> publications) {
    return publications.stream()
        .map(publication -> publication.messageAttributes().containsKey("ExtendedPayloadSize"))
        .toList();
  }

  private static PublishBatchRequestEntry largeEntry(
      String id, int bytes, Map<String, MessageAttributeValue> attributes) {
    return PublishBatchRequestEntry.builder()
        .id(id)
        .message(payload(bytes))
        .messageAttributes(attributes)
        .build();
  }

  @Test
  void publishBatch_anEntrySnsReportsFailed_getsItsPayloadDeleted_unlessItsKeyWasNamed(
      SqsClient sqs, S3Client s3, S3AsyncClient s3Async, AwsEndpoints endpoints, AwsResources aws)
      throws Exception {
    String bucket = aws.createBucket();
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns);
        SnsAsyncClient plainAsync =
            SnsAsyncClient.builder()
                .region(endpoints.region())
                .credentialsProvider(endpoints.credentialsProvider())
                .endpointOverride(sns.endpoint())
                .build()) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      S3PayloadStore store =
          S3PayloadStore.builder().s3Client(s3).s3AsyncClient(s3Async).bucket(bucket).build();
      MessageAttributeValue notANumber =
          MessageAttributeValue.builder().dataType("Number").stringValue("many").build();
      MessageAttributeValue named =
          MessageAttributeValue.builder().dataType("String").stringValue("named/o-1").build();
      PublishBatchRequest request =
          PublishBatchRequest.builder()
              .topicArn(topic)
              .publishBatchRequestEntries(
                  largeEntry("good", 300_000, Map.of()),
                  largeEntry("refused", 300_000, Map.of("count", notANumber)),
                  largeEntry("refusedNamed", 300_000, Map.of("count", notANumber, "S3Key", named)))
              .build();

      PublishBatchResponse sync =
          SnsExtendedClient.builder()
              .snsClient(plain)
              .payloadStore(store)
              .build()
              .publishBatch(request);
      PublishBatchResponse async =
          SnsExtendedAsyncClient.builder()
              .snsAsyncClient(plainAsync)
              .payloadStore(store)
              .build()
              .publishBatch(request)
              .get();

      for (PublishBatchResponse response : List.of(sync, async)) {
        assertThat(response.successful()).extracting(r -> r.id()).containsExactly("good");
        assertThat(response.failed())
            .extracting(r -> r.id())
            .containsExactlyInAnyOrder("refused", "refusedNamed");
      }
      assertThat(sns.publications()).hasSize(2);
      java.util.Set<String> pointed = new java.util.HashSet<>();
      sns.publications()
          .forEach(
              publication ->
                  pointed.add(
                      publication.message().replaceAll(".*\"s3Key\":\"([^\"]+)\".*", "$1")));
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
                      .extracting(software.amazon.awssdk.services.s3.model.S3Object::key)
                      .as(
                          "the published entries' payloads, and the one under the key its sender"
                              + " named (an earlier publication may point at it); the other"
                              + " refused entries' payloads deleted")
                      .containsExactlyInAnyOrderElementsOf(
                          java.util.stream.Stream.concat(
                                  pointed.stream(), java.util.stream.Stream.of("named/o-1"))
                              .toList()));
    }
  }

  @Test
  void publishBatch_whenTheStoreFailsPartway_nothingIsPublished_andWhatWasStoredIsDeleted(
      SqsClient sqs, S3Client s3, AwsEndpoints endpoints, AwsResources aws) {
    String bucket = aws.createBucket();
    S3PayloadStore real = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
    java.util.concurrent.atomic.AtomicInteger stores =
        new java.util.concurrent.atomic.AtomicInteger();
    dev.sqsx.extended.PayloadStore failingSecond =
        new dev.sqsx.extended.PayloadStore() {
          @Override
          public boolean allows(dev.sqsx.extended.PayloadPointer pointer) {
            return real.allows(pointer);
          }

          @Override
          public dev.sqsx.extended.PayloadPointer store(String payload) {
            if (stores.incrementAndGet() == 2) {
              throw new IllegalStateException("the store is full");
            }
            return real.store(payload);
          }

          @Override
          public String read(dev.sqsx.extended.PayloadPointer pointer) {
            return real.read(pointer);
          }

          @Override
          public void delete(dev.sqsx.extended.PayloadPointer pointer) {
            real.delete(pointer);
          }

          @Override
          public CompletableFuture<dev.sqsx.extended.PayloadPointer> storeAsync(String payload) {
            return CompletableFuture.completedFuture(store(payload));
          }

          @Override
          public CompletableFuture<String> readAsync(dev.sqsx.extended.PayloadPointer pointer) {
            return real.readAsync(pointer);
          }

          @Override
          public CompletableFuture<Void> deleteAsync(dev.sqsx.extended.PayloadPointer pointer) {
            return real.deleteAsync(pointer);
          }
        };
    try (LocalSns sns = LocalSns.start(sqs, endpoints.region().id());
        SnsClient plain = snsClient(endpoints, sns)) {
      String topic = sns.createTopic(aws.uniqueName("orders"));
      SnsExtendedClient publisher =
          SnsExtendedClient.builder().snsClient(plain).payloadStore(failingSecond).build();

      assertThatThrownBy(
              () ->
                  publisher.publishBatch(
                      r ->
                          r.topicArn(topic)
                              .publishBatchRequestEntries(
                                  largeEntry("a", 300_000, Map.of()),
                                  largeEntry("b", 300_000, Map.of()),
                                  largeEntry("c", 300_000, Map.of()))))
          .isInstanceOf(ExtendedClientException.class)
          .hasMessageContaining("nothing was published")
          .hasRootCauseMessage("the store is full");

      assertThat(stores.get()).as("the batch stopped at the failing store").isEqualTo(2);
      assertThat(sns.publications()).isEmpty();
      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount())
          .as("the payload stored before the failure is deleted")
          .isZero();
    }
  }
}
