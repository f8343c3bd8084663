/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.faults.FaultInjector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.sqs.SqsClient;

@LocalAws
class S3PayloadStoreIT {

  @Test
  void store_writesUnderTheKeyPrefixWithServerSideEncryption(S3Client s3, AwsResources aws) {
    String bucket = aws.createBucket();
    S3PayloadStore store =
        S3PayloadStore.builder()
            .s3Client(s3)
            .bucket(bucket)
            .keyPrefix("orders/")
            .serverSideEncryption(ServerSideEncryption.AES256)
            .build();

    PayloadPointer pointer = store.store("payload é");

    assertThat(pointer.container()).isEqualTo(bucket);
    assertThat(pointer.key()).matches("orders/[0-9a-f-]{36}");
    assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key(pointer.key())).asUtf8String())
        .isEqualTo("payload é");
    assertThat(store.read(pointer)).isEqualTo("payload é");
    store.delete(pointer);
    store.delete(pointer); // deleting what is gone succeeds
    assertThatThrownBy(() -> store.read(pointer)).isInstanceOf(PayloadNotFoundException.class);
  }

  @Test
  void uploadsCarryTheirSha256ForS3ToCheck_andTheSdkAddsNoChecksumOfItsOwn(
      AwsEndpoints endpoints, AwsResources aws) throws Exception {
    List<Map<String, List<String>>> puts = new CopyOnWriteArrayList<>();
    ExecutionInterceptor recorder =
        new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(
              Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if ("PUT".equals(context.httpRequest().method().name())) {
              puts.add(context.httpRequest().headers());
            }
          }
        };
    String bucket = aws.createBucket();
    String payload = "zwölf € ".repeat(200_000); // 2,000,000 chars, 2,800,000 bytes
    byte[] utf8 = payload.getBytes(StandardCharsets.UTF_8);
    String sha256 =
        Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(utf8));
    try (S3Client s3 =
            endpoints
                .configure(S3Client.builder(), endpoints.s3Endpoint())
                .forcePathStyle(true)
                .overrideConfiguration(o -> o.addExecutionInterceptor(recorder))
                .build();
        S3AsyncClient s3Async =
            endpoints
                .configure(S3AsyncClient.builder(), endpoints.s3Endpoint())
                .forcePathStyle(true)
                .overrideConfiguration(o -> o.addExecutionInterceptor(recorder))
                .build()) {
      S3PayloadStore sync = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
      S3PayloadStore async = S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build();

      PayloadPointer first = sync.store(payload);
      PayloadPointer second = async.storeUtf8Async(utf8, null).get(30, TimeUnit.SECONDS);

      assertThat(puts).hasSize(2);
      for (Map<String, List<String>> headers : puts) {
        assertThat(headers).containsEntry("x-amz-checksum-sha256", List.of(sha256));
        assertThat(headers.keySet())
            .as("no CRC32 of the SDK's own, in a header or a trailer")
            .noneMatch(name -> name.startsWith("x-amz-checksum-crc"))
            .doesNotContain("x-amz-trailer");
      }
      for (PayloadPointer pointer : List.of(first, second)) {
        assertThat(sync.read(pointer)).isEqualTo(payload);
        assertThat(sync.readUtf8(pointer)).isEqualTo(utf8);
        assertThat(async.readAsync(pointer).get(30, TimeUnit.SECONDS)).isEqualTo(payload);
        assertThat(async.readUtf8Async(pointer).get(30, TimeUnit.SECONDS)).isEqualTo(utf8);
      }
    }
  }

  @Test
  void keyPrefix_isEnforcedOnReadAndDelete_unlessTurnedOff(
      S3Client s3, S3AsyncClient s3Async, AwsResources aws) {
    String bucket = aws.createBucket();
    s3.putObject(r -> r.bucket(bucket).key("other/k"), RequestBody.fromString("not yours"));
    PayloadPointer outside = PayloadPointer.s3(bucket, "other/k");
    S3PayloadStore store =
        S3PayloadStore.builder()
            .s3Client(s3)
            .s3AsyncClient(s3Async)
            .bucket(bucket)
            .keyPrefix("orders/")
            .build();

    assertThat(store.allows(outside)).isFalse();
    assertThatThrownBy(() -> store.read(outside))
        .isInstanceOf(PayloadNotAllowedException.class)
        .hasMessageStartingWith("pointer names a key outside the store's key prefix 'orders/'");
    assertThatThrownBy(() -> store.delete(outside)).isInstanceOf(PayloadNotAllowedException.class);
    assertThatThrownBy(() -> store.readAsync(outside).join())
        .hasCauseInstanceOf(PayloadNotAllowedException.class);
    assertThatThrownBy(() -> store.deleteAsync(outside).join())
        .hasCauseInstanceOf(PayloadNotAllowedException.class);
    assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("other/k")).asUtf8String())
        .isEqualTo("not yours");
    S3PayloadStore lenient =
        S3PayloadStore.builder()
            .s3Client(s3)
            .bucket(bucket)
            .keyPrefix("orders/")
            .enforceKeyPrefix(false)
            .build();
    assertThat(lenient.read(outside)).isEqualTo("not yours");
  }

  @Test
  void keyPrefix_admitsOnlyTheKeysAWriterProduces_notKeysThatMerelyStartWithIt(
      S3Client s3, AwsResources aws) {
    String bucket = aws.createBucket();
    for (String key : List.of("tenant-ab/x", "tenant-a-archive/y", "orders/2026/x", "orders/")) {
      s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString("someone else's"));
    }
    S3PayloadStore tenant =
        S3PayloadStore.builder().s3Client(s3).bucket(bucket).keyPrefix("tenant-a").build();
    S3PayloadStore orders =
        S3PayloadStore.builder().s3Client(s3).bucket(bucket).keyPrefix("orders/").build();

    // no '/' at its end: the rest must be what a writer puts there (a UUID, as AWS's library
    // and sqsx write, or sqsx's stable key)
    for (String key : List.of("tenant-ab/x", "tenant-a-archive/y", "tenant-a")) {
      PayloadPointer foreign = PayloadPointer.s3(bucket, key);
      assertThat(tenant.allows(foreign)).as(key).isFalse();
      assertThatThrownBy(() -> tenant.delete(foreign))
          .isInstanceOf(PayloadNotAllowedException.class);
    }
    PayloadPointer stored = tenant.store("mine");
    assertThat(stored.key()).startsWith("tenant-a");
    assertThat(tenant.read(stored)).isEqualTo("mine");
    assertThat(tenant.allows(PayloadPointer.s3(bucket, "tenant-a" + java.util.UUID.randomUUID())))
        .isTrue();
    // tenant "tenant-as-"'s own key: "s-" and a UUID is not a stable key
    assertThat(tenant.allows(PayloadPointer.s3(bucket, "tenant-as-" + java.util.UUID.randomUUID())))
        .isFalse();
    // ending in '/': one path level below it
    assertThat(orders.allows(PayloadPointer.s3(bucket, "orders/any-name.json"))).isTrue();
    assertThat(orders.allows(PayloadPointer.s3(bucket, "orders/2026/x"))).isFalse();
    assertThat(orders.allows(PayloadPointer.s3(bucket, "orders/"))).isFalse();
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount())
        .as("nothing deleted")
        .isEqualTo(5);
  }

  @Test
  void objectOverMaxPayloadSize_isRefusedFromItsContentLength_andALargePayloadIsNotStored(
      S3Client s3, S3AsyncClient s3Async, AwsResources aws) {
    String bucket = aws.createBucket();
    s3.putObject(
        r -> r.bucket(bucket).key("big"), RequestBody.fromBytes(new byte[3 * 1024 * 1024]));
    PayloadPointer big = PayloadPointer.s3(bucket, "big");
    S3PayloadStore sync =
        S3PayloadStore.builder().s3Client(s3).bucket(bucket).maxPayloadSize(1024 * 1024).build();
    S3PayloadStore async =
        S3PayloadStore.builder()
            .s3AsyncClient(s3Async)
            .bucket(bucket)
            .maxPayloadSize(1024 * 1024)
            .build();

    assertThatThrownBy(() -> sync.read(big))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageStartingWith(
            "payload object has 3145728 bytes, above the S3 store's maxPayloadSize of 1048576");
    assertThatThrownBy(() -> async.readAsync(big).join())
        .hasCauseInstanceOf(PayloadTooLargeException.class);
    assertThatThrownBy(() -> sync.store("x".repeat(1024 * 1024 + 1)))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageStartingWith("cannot store a payload of 1048577 bytes");
    assertThatThrownBy(() -> async.storeAsync("x".repeat(1024 * 1024 + 1)).join())
        .hasCauseInstanceOf(PayloadTooLargeException.class);
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents())
        .extracting(o -> o.key())
        .containsExactly("big");
    assertThat(sync.read(PayloadPointer.s3(bucket, sync.store("small").key()))).isEqualTo("small");
  }

  @Test
  void storesGivenOnlySyncClients_neverRunABlockingCallOnTheCallersThread(
      AwsEndpoints endpoints, AwsResources aws, DynamoDbClient setup) throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    ExecutionInterceptor recorder =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes a) {
            threads.add(Thread.currentThread().getName());
          }
        };
    FaultInjector slow = FaultInjector.builder().latency(1.0, Duration.ofMillis(100)).build();
    String bucket = aws.createBucket();
    String table = aws.uniqueName("payloads");
    DynamoDbPayloadStore.createTable(setup, table);
    try (S3Client s3 =
            endpoints
                .configure(S3Client.builder(), endpoints.s3Endpoint())
                .httpClientBuilder(slow.wrap(Apache5HttpClient.builder()))
                .forcePathStyle(true)
                .overrideConfiguration(o -> o.addExecutionInterceptor(recorder))
                .build();
        DynamoDbClient dynamoDb =
            endpoints
                .configure(DynamoDbClient.builder(), endpoints.dynamoDbEndpoint())
                .httpClientBuilder(slow.wrap(Apache5HttpClient.builder()))
                .overrideConfiguration(o -> o.addExecutionInterceptor(recorder))
                .build()) {
      S3PayloadStore s3Store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
      DynamoDbPayloadStore dynamoStore =
          DynamoDbPayloadStore.builder().dynamoDbClient(dynamoDb).table(table).build();
      PayloadPointer inS3 = s3Store.store("s3 payload");
      PayloadPointer inDynamo = dynamoStore.store("dynamo payload");
      threads.clear();
      List<CompletableFuture<String>> reads = new ArrayList<>();
      Thread eventLoop =
          new Thread(
              () -> {
                for (int i = 0; i < 100; i++) {
                  reads.add(s3Store.readAsync(inS3));
                  reads.add(dynamoStore.readAsync(inDynamo));
                }
              },
              "caller-event-loop");
      eventLoop.start();
      eventLoop.join();

      for (CompletableFuture<String> read : reads) {
        assertThat(read.get(60, TimeUnit.SECONDS)).endsWith("payload");
      }
      assertThat(threads)
          .as("threads that made the blocking calls")
          .isNotEmpty()
          .doesNotContain("caller-event-loop")
          .allSatisfy(name -> assertThat(name).matches("sqsx-(s3|dynamodb)-payload-store-[0-9]+"));
    } finally {
      setup.deleteTable(r -> r.tableName(table));
    }
  }

  @Test
  void allowedBuckets_letAPointerToAnOlderBucketBeRead(S3Client s3, AwsResources aws) {
    String current = aws.createBucket();
    String previous = aws.createBucket();
    s3.putObject(r -> r.bucket(previous).key("k"), RequestBody.fromString("old payload"));

    S3PayloadStore store =
        S3PayloadStore.builder()
            .s3Client(s3)
            .bucket(current)
            .allowedBuckets(Set.of(previous))
            .build();

    assertThat(store.read(PayloadPointer.s3(previous, "k"))).isEqualTo("old payload");
  }

  @Test
  void syncOnlyStore_servesTheAsyncMethodsOnItsExecutor(S3Client s3, AwsResources aws)
      throws Exception {
    String bucket = aws.createBucket();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      S3PayloadStore store =
          S3PayloadStore.builder().s3Client(s3).bucket(bucket).asyncExecutor(executor).build();

      PayloadPointer pointer = store.storeAsync("async over sync").get();

      assertThat(store.readAsync(pointer).get()).isEqualTo("async over sync");
      store.deleteAsync(pointer).get();
      assertThat(store.readAsync(pointer))
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(PayloadNotFoundException.class);
    } finally {
      executor.shutdown();
    }
  }

  @Test
  void asyncOnlyStore_servesTheSyncExtendedClient(
      SqsClient sqs, S3AsyncClient s3Async, AwsResources aws) {
    String bucket = aws.createBucket();
    String queueUrl = aws.createQueue();
    SqsClient client =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build())
            .alwaysOffload(true)
            .build();

    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody("sync over async"));

    assertThat(ExtendedClientBehaviour.receiveOne(client, queueUrl).body())
        .isEqualTo("sync over async");
  }

  /**
   * A capped read answers from the object's content length: what fits is read (and checked) as
   * {@code readUtf8} reads it; a larger object is not downloaded and answers empty, on one GET;
   * failures are those of {@code readUtf8}.
   */
  @Test
  void readUtf8IfAtMost_readsWhatFits_andALargerObjectAnswersEmpty_onOneRequest_syncAndAsync(
      AwsEndpoints endpoints, S3Client s3, AwsResources aws) {
    String bucket = aws.createBucket();
    List<String> gets = new CopyOnWriteArrayList<>();
    ExecutionInterceptor counting =
        new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(
              Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (context.httpRequest().method().name().equals("GET")) {
              gets.add(context.httpRequest().encodedPath());
            }
          }
        };
    try (S3Client syncOnly =
            endpoints
                .configure(S3Client.builder(), endpoints.s3Endpoint())
                .forcePathStyle(true)
                .overrideConfiguration(o -> o.addExecutionInterceptor(counting))
                .build();
        S3AsyncClient asyncOnly =
            endpoints
                .configure(S3AsyncClient.builder(), endpoints.s3Endpoint())
                .forcePathStyle(true)
                .overrideConfiguration(o -> o.addExecutionInterceptor(counting))
                .build()) {
      S3PayloadStore writer = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
      String smallText = "s".repeat(1_000);
      PayloadPointer small = writer.store(smallText);
      PayloadPointer large = writer.store("L".repeat(2_000_000));
      s3.putObject(
          r -> r.bucket(bucket).key("huge"), RequestBody.fromBytes(new byte[3 * 1024 * 1024]));
      for (S3PayloadStore store :
          List.of(
              S3PayloadStore.builder().s3Client(syncOnly).bucket(bucket).build(),
              S3PayloadStore.builder().s3AsyncClient(asyncOnly).bucket(bucket).build())) {
        gets.clear();

        assertThat(store.readUtf8IfAtMost(small, 1_000))
            .hasValueSatisfying(
                bytes ->
                    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(smallText));
        assertThat(store.readUtf8IfAtMost(small, 999)).isEmpty();
        assertThat(store.readUtf8IfAtMost(large, 1_048_576)).isEmpty();
        assertThat(store.readUtf8IfAtMost(large, 2_000_000))
            .hasValueSatisfying(bytes -> assertThat(bytes).hasSize(2_000_000));
        assertThat(gets).as("one GET per read, none retried").hasSize(4);
        assertThatThrownBy(
                () -> store.readUtf8IfAtMost(PayloadPointer.s3(bucket, "no-such-key"), 1_048_576))
            .isInstanceOf(PayloadNotFoundException.class);
        assertThatThrownBy(
                () -> store.readUtf8IfAtMost(PayloadPointer.s3("foreign", "key"), 1_048_576))
            .isInstanceOf(PayloadNotAllowedException.class);
      }
      S3PayloadStore limited =
          S3PayloadStore.builder().s3Client(s3).bucket(bucket).maxPayloadSize(1024 * 1024).build();
      assertThatThrownBy(
              () -> limited.readUtf8IfAtMost(PayloadPointer.s3(bucket, "huge"), 1_048_576))
          .as("over maxPayloadSize is a refusal, not an empty answer")
          .isInstanceOf(PayloadTooLargeException.class);
    }
  }

  @Test
  void closingTheExtendedClient_leavesTheCallersClientsOpen(
      SqsClient sqs, S3Client s3, AwsResources aws) {
    String queueUrl = aws.createQueue();
    SqsClient client =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(aws.createBucket()).build())
            .build();

    client.close();

    assertThat(
            sqs.getQueueUrl(r -> r.queueName(queueUrl.substring(queueUrl.lastIndexOf('/') + 1)))
                .queueUrl())
        .isEqualTo(queueUrl);
    assertThat(s3.listBuckets().buckets()).isNotEmpty();
  }
}
