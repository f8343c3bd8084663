/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqsx.extended.PayloadIntegrityException;
import dev.sqsx.extended.PayloadNotAllowedException;
import dev.sqsx.extended.PayloadNotFoundException;
import dev.sqsx.extended.PayloadPointer;
import dev.sqsx.extended.PayloadTooLargeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoDbItemsTest {

  private static final PayloadPointer POINTER = PayloadPointer.dynamoDb("t", "k");

  private static List<Map<String, AttributeValue>> itemsOf(String payload, int chunkSize) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    List<Map<String, AttributeValue>> items =
        new ArrayList<>(DynamoDbItems.chunks("k", bytes, chunkSize, 99, 99_000));
    items.add(DynamoDbItems.manifest("k", items.size(), bytes, 99, 99_000));
    return items;
  }

  @Test
  void chunks_splitAtTheChunkSize_inOrder_withTtlAndCreationTimeOnEveryItem() {
    List<Map<String, AttributeValue>> chunks =
        DynamoDbItems.chunks(
            "k", "abcdefghij".getBytes(StandardCharsets.UTF_8), 4, 1234, 1_234_000);

    assertThat(chunks)
        .extracting(c -> c.get("sk").s())
        .containsExactly("chunk#00000", "chunk#00001", "chunk#00002");
    assertThat(chunks)
        .extracting(c -> c.get("data").b().asUtf8String())
        .containsExactly("abcd", "efgh", "ij");
    assertThat(chunks).allSatisfy(c -> assertThat(c.get("ttl").n()).isEqualTo("1234"));
    assertThat(chunks).allSatisfy(c -> assertThat(c.get("created").n()).isEqualTo("1234000"));
    assertThat(DynamoDbItems.manifest("k", 3, new byte[10], 1234, 1_234_000))
        .containsEntry("ttl", AttributeValue.fromN("1234"))
        .containsEntry("created", AttributeValue.fromN("1234000"));
  }

  @Test
  void assemble_inAnyOrder_restoresTheExactPayload() {
    List<Map<String, AttributeValue>> items = itemsOf("héllo wörld, €uro", 3);
    Collections.reverse(items);

    assertThat(DynamoDbItems.assemble(POINTER, items, Integer.MAX_VALUE))
        .asString(StandardCharsets.UTF_8)
        .isEqualTo("héllo wörld, €uro");
  }

  @Test
  void emptyPayload_isOneEmptyChunk() {
    assertThat(DynamoDbItems.assemble(POINTER, itemsOf("", 10), Integer.MAX_VALUE)).isEmpty();
  }

  @Test
  void noManifest_isNotFound() {
    List<Map<String, AttributeValue>> items = itemsOf("partial", 3);
    items.removeIf(DynamoDbItems::isManifest);

    assertThatThrownBy(() -> DynamoDbItems.assemble(POINTER, items, Integer.MAX_VALUE))
        .isInstanceOf(PayloadNotFoundException.class)
        .hasMessage("payload not found in DynamoDB (no manifest item) [payload DYNAMODB:t/k]");
  }

  @Test
  void missingChunk_failsTheIntegrityCheck() {
    List<Map<String, AttributeValue>> items = itemsOf("abcdefghij", 4);
    items.remove(1);

    assertThatThrownBy(() -> DynamoDbItems.assemble(POINTER, items, Integer.MAX_VALUE))
        .isInstanceOf(PayloadIntegrityException.class)
        .hasMessageStartingWith(
            "DynamoDB payload failed its integrity check: chunk 1 of 3 is missing or too long");
  }

  @Test
  void changedChunk_failsTheSha256Check() {
    List<Map<String, AttributeValue>> items = itemsOf("abcdefghij", 4);
    Map<String, AttributeValue> changed = new HashMap<>(items.get(0));
    changed.put("data", AttributeValue.fromB(SdkBytes.fromUtf8String("abcX")));
    items.set(0, changed);

    assertThatThrownBy(() -> DynamoDbItems.assemble(POINTER, items, Integer.MAX_VALUE))
        .isInstanceOf(PayloadIntegrityException.class)
        .hasMessageStartingWith(
            "DynamoDB payload failed its integrity check: payload does not match the SHA-256");
  }

  @Test
  void manifestOverTheLimit_isRefusedBeforeAssembling_andAHostileChunkCountAllocatesNothing() {
    List<Map<String, AttributeValue>> items = itemsOf("abcdefghij", 4);

    assertThatThrownBy(() -> DynamoDbItems.assemble(POINTER, items, 9))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageStartingWith(
            "payload in DynamoDB has 10 bytes (its manifest says), above the store's"
                + " maxPayloadSize of 9 bytes");
    items.sort(Comparator.comparing((Map<String, AttributeValue> i) -> i.get("sk").s()).reversed());
    assertThatThrownBy(() -> DynamoDbItems.checkManifestSize(POINTER, items, 9))
        .isInstanceOf(PayloadTooLargeException.class);

    Map<String, AttributeValue> hostile = new HashMap<>(items.get(0));
    hostile.put("chunks", AttributeValue.fromN(Integer.toString(Integer.MAX_VALUE)));
    items.set(0, hostile);
    assertThatThrownBy(() -> DynamoDbItems.assemble(POINTER, items, 100))
        .isInstanceOf(PayloadIntegrityException.class)
        .hasMessageContaining("chunk 3 of 2147483647 is missing");
  }

  @Test
  void deletableChunkCount_isTheManifestsCount_andItsChunkKeysAreExactlyThoseWritten() {
    List<Map<String, AttributeValue>> items = itemsOf("abcdefghij", 4);
    Map<String, AttributeValue> manifest = items.get(items.size() - 1);

    int count = DynamoDbItems.deletableChunkCount(POINTER, manifest);

    assertThat(count).isEqualTo(3);
    assertThat(DynamoDbItems.chunkKeys("k", count))
        .containsExactlyElementsOf(
            items.subList(0, 3).stream().map(DynamoDbItems::itemKey).toList());
    assertThat(DynamoDbItems.deletableChunkCount(POINTER, itemsOf("", 4).get(1)))
        .as("an empty payload: one empty chunk")
        .isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "chunks absent             | -   | 10  | SHA | no valid 'chunks'",
        "chunks zero               | 0   | 10  | SHA | no valid 'chunks'",
        "chunks not an integer     | 1.5 | 10  | SHA | no valid 'chunks'",
        "bytes absent              | 1   | -   | SHA | no valid 'bytes'",
        "bytes negative            | 1   | -1  | SHA | no valid 'bytes'",
        "bytes over 64 MiB         | 1   | 67108865 | SHA | no valid 'bytes'",
        "more chunks than bytes    | 11  | 10  | SHA | 11 chunks of 10 bytes",
        "sha256 absent             | 3   | 10  | -   | no valid 'sha256'",
        "sha256 not lower-case hex | 3   | 10  | ABC | no valid 'sha256'",
      })
  void deletableChunkCount_refusesAnItemThatIsNotAPayloadManifest(
      String what, String chunks, String bytes, String sha256, String reason) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS("k"));
    item.put("sk", AttributeValue.fromS("manifest"));
    if (!chunks.equals("-")) {
      item.put("chunks", AttributeValue.fromN(chunks));
    }
    if (!bytes.equals("-")) {
      item.put("bytes", AttributeValue.fromN(bytes));
    }
    if (sha256.equals("SHA")) {
      item.put("sha256", AttributeValue.fromS("0123456789abcdef".repeat(4)));
    } else if (!sha256.equals("-")) {
      item.put("sha256", AttributeValue.fromS("0123456789ABCDEF".repeat(4)));
    }

    assertThatThrownBy(() -> DynamoDbItems.deletableChunkCount(POINTER, item))
        .as(what)
        .isInstanceOf(PayloadNotAllowedException.class)
        .hasMessageStartingWith(
            "cannot delete from DynamoDB: the item at sort key 'manifest' is not an sqsx payload"
                + " manifest ("
                + reason
                + "), so nothing under the key is known to be the payload's; nothing was deleted");
  }
}
