/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.extended.internal.Digests;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A large body is encoded once: the store gets its UTF-8 bytes, the marker their length (the string
 * API of the store is not used), in both clients; the tiered store routes by byte length. A
 * resolved payload is decoded once, from the bytes the store read, which also give its MD5.
 */
@LocalAws
class EncodeOnceIT {

  /** Records which store method the client called; delegates to a real store. */
  private static final class Recording implements PayloadStore {
    final PayloadStore store;
    final boolean defaultUtf8;
    final List<String> calls = new CopyOnWriteArrayList<>();

    Recording(PayloadStore store) {
      this(store, false);
    }

    /**
     * With {@code defaultUtf8}, a store that leaves {@code storeUtf8} and {@code readUtf8} to the
     * interface.
     */
    Recording(PayloadStore store, boolean defaultUtf8) {
      this.store = store;
      this.defaultUtf8 = defaultUtf8;
    }

    @Override
    public boolean allows(PayloadPointer pointer) {
      return store.allows(pointer);
    }

    @Override
    public PayloadPointer store(String payload) {
      calls.add("store(String)");
      return store.store(payload);
    }

    @Override
    public CompletableFuture<PayloadPointer> storeAsync(String payload) {
      calls.add("storeAsync(String)");
      return store.storeAsync(payload);
    }

    @Override
    public PayloadPointer storeUtf8(byte[] utf8, String stableKey) {
      if (defaultUtf8) {
        return PayloadStore.super.storeUtf8(utf8, stableKey);
      }
      calls.add("storeUtf8");
      return store.storeUtf8(utf8, stableKey);
    }

    @Override
    public CompletableFuture<PayloadPointer> storeUtf8Async(byte[] utf8, String stableKey) {
      calls.add("storeUtf8Async");
      return store.storeUtf8Async(utf8, stableKey);
    }

    @Override
    public String read(PayloadPointer pointer) {
      calls.add("read(String)");
      return store.read(pointer);
    }

    @Override
    public byte[] readUtf8(PayloadPointer pointer) {
      if (defaultUtf8) {
        return PayloadStore.super.readUtf8(pointer);
      }
      calls.add("readUtf8");
      return store.readUtf8(pointer);
    }

    @Override
    public CompletableFuture<byte[]> readUtf8Async(PayloadPointer pointer) {
      if (defaultUtf8) {
        return PayloadStore.super.readUtf8Async(pointer);
      }
      calls.add("readUtf8Async");
      return store.readUtf8Async(pointer);
    }

    @Override
    public void delete(PayloadPointer pointer) {
      store.delete(pointer);
    }

    @Override
    public CompletableFuture<String> readAsync(PayloadPointer pointer) {
      calls.add("readAsync(String)");
      return store.readAsync(pointer);
    }

    @Override
    public CompletableFuture<Void> deleteAsync(PayloadPointer pointer) {
      return store.deleteAsync(pointer);
    }
  }

  @Test
  void bothClients_handTheStoreTheBytes_andMarkTheirLength(
      SqsClient sqs, SqsAsyncClient sqsAsync, S3Client s3, S3AsyncClient s3Async, AwsResources aws)
      throws Exception {
    String queueUrl = aws.createQueue();
    String bucket = aws.createBucket();
    Recording store =
        new Recording(
            S3PayloadStore.builder().s3Client(s3).s3AsyncClient(s3Async).bucket(bucket).build());
    String body = "é".repeat(150_000); // 300,000 bytes: the marker must count bytes, not chars

    SqsExtendedClient.builder()
        .sqsClient(sqs)
        .payloadStore(store)
        .build()
        .sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    SqsExtendedAsyncClient.builder()
        .sqsClient(sqsAsync)
        .payloadStore(store)
        .build()
        .sendMessage(r -> r.queueUrl(queueUrl).messageBody(body))
        .get();

    assertThat(store.calls).containsExactly("storeUtf8", "storeUtf8Async");
    List<Message> raw =
        sqs.receiveMessage(
                r ->
                    r.queueUrl(queueUrl)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(2)
                        .messageAttributeNames("All"))
            .messages();
    assertThat(raw).hasSize(2);
    for (Message message : raw) {
      assertThat(message.messageAttributes().get("ExtendedPayloadSize").stringValue())
          .isEqualTo(Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
      assertThat(ExtendedMessages.resolve(message, store).body()).isEqualTo(body);
    }
    assertThat(store.calls).endsWith("readUtf8", "readUtf8");
  }

  @Test
  void bothClients_resolveFromTheStoresBytes_decodedOnce_withTheBodysMd5(
      SqsClient sqs, SqsAsyncClient sqsAsync, S3Client s3, AwsResources aws) throws Exception {
    String queueUrl = aws.createQueue();
    Recording store =
        new Recording(S3PayloadStore.builder().s3Client(s3).bucket(aws.createBucket()).build());
    Recording custom =
        new Recording(
            S3PayloadStore.builder().s3Client(s3).bucket(aws.createBucket()).build(), true);
    String body = "naïve ".repeat(60_000); // 420,000 bytes
    SqsExtendedClient client =
        SqsExtendedClient.builder().sqsClient(sqs).payloadStore(store).build();
    SqsExtendedAsyncClient asyncClient =
        SqsExtendedAsyncClient.builder().sqsClient(sqsAsync).payloadStore(store).build();
    SqsExtendedClient customClient =
        SqsExtendedClient.builder().sqsClient(sqs).payloadStore(custom).build();

    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    List<Message> sync =
        client.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(5)).messages();
    client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    List<Message> async =
        asyncClient.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(5)).get().messages();
    customClient.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    List<Message> viaDefault =
        customClient.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(5)).messages();

    String md5 = Digests.md5Hex(body);
    for (List<Message> received : List.of(sync, async, viaDefault)) {
      assertThat(received).hasSize(1);
      assertThat(received.get(0).body()).isEqualTo(body);
      assertThat(received.get(0).md5OfBody()).isEqualTo(md5);
    }
    assertThat(store.calls).containsExactly("storeUtf8", "readUtf8", "storeUtf8", "readUtf8Async");
    assertThat(custom.calls)
        .as("a store without readUtf8 of its own is read through its String method")
        .containsExactly("store(String)", "read(String)");
  }

  @Test
  void storesWithoutTheirOwnStoreUtf8_getTheDecodedString(S3Client s3, AwsResources aws) {
    S3PayloadStore s3Store =
        S3PayloadStore.builder().s3Client(s3).bucket(aws.createBucket()).build();
    Recording custom = new Recording(s3Store, true);

    PayloadPointer pointer = custom.storeUtf8("ünïcode".getBytes(StandardCharsets.UTF_8), null);

    assertThat(custom.calls).containsExactly("store(String)");
    assertThat(s3Store.read(pointer)).isEqualTo("ünïcode");
  }

  @Test
  void theTieredStore_routesBytesByTheirLength(S3Client s3, AwsResources aws) {
    S3PayloadStore small = S3PayloadStore.builder().s3Client(s3).bucket(aws.createBucket()).build();
    S3PayloadStore large = S3PayloadStore.builder().s3Client(s3).bucket(aws.createBucket()).build();
    PayloadStore tiered = TieredPayloadStore.builder().tier(1_000, small).otherwise(large).build();

    PayloadPointer three = tiered.storeUtf8("ü".repeat(400).getBytes(StandardCharsets.UTF_8), null);
    PayloadPointer one = tiered.storeUtf8("u".repeat(900).getBytes(StandardCharsets.UTF_8), "ab12");

    assertThat(three.container()).as("800 bytes").isEqualTo(small.bucket());
    assertThat(tiered.storeUtf8("ü".repeat(600).getBytes(StandardCharsets.UTF_8), null).container())
        .as("1,200 bytes, 600 chars")
        .isEqualTo(large.bucket());
    assertThat(one.container()).isEqualTo(small.bucket());
    assertThat(tiered.read(three)).isEqualTo("ü".repeat(400));
  }

  @Test
  void theDynamoDbStore_writesTheBytesAsTheyAre(
      software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb, AwsResources aws)
      throws Exception {
    String table = aws.uniqueName("payloads");
    DynamoDbPayloadStore.createTable(dynamoDb, table);
    DynamoDbPayloadStore store =
        DynamoDbPayloadStore.builder()
            .dynamoDbClient(dynamoDb)
            .table(table)
            .chunkSize(1_000)
            .build();
    byte[] utf8 = "ü€".repeat(1_000).getBytes(StandardCharsets.UTF_8); // 5,000 bytes, 5 chunks

    PayloadPointer pointer = store.storeUtf8(utf8, null);
    PayloadPointer again = store.storeUtf8Async(utf8, "cafe01").get();

    assertThat(store.read(pointer)).isEqualTo("ü€".repeat(1_000));
    assertThat(store.read(again)).isEqualTo("ü€".repeat(1_000));
  }
}
