package dev.sqsx.extended.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqsx.extended.PayloadIntegrityException;
import dev.sqsx.extended.PayloadNotFoundException;
import dev.sqsx.extended.PayloadPointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoDbItemsTest {

  private static final PayloadPointer POINTER = PayloadPointer.dynamoDb("t", "k");

  private static List<Map<String, AttributeValue>> itemsOf(String payload, int chunkSize) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    List<Map<String, AttributeValue>> items =
        new ArrayList<>(DynamoDbItems.chunks("k", bytes, chunkSize, 99));
    items.add(DynamoDbItems.manifest("k", items.size(), bytes, 99));
    return items;
  }

  @Test
  void chunks_splitAtTheChunkSize_inOrder_withTtlOnEveryItem() {
    List<Map<String, AttributeValue>> chunks =
        DynamoDbItems.chunks("k", "abcdefghij".getBytes(StandardCharsets.UTF_8), 4, 1234);

    assertThat(chunks)
        .extracting(c -> c.get("sk").s())
        .containsExactly("chunk#00000", "chunk#00001", "chunk#00002");
    assertThat(chunks)
        .extracting(c -> c.get("data").b().asUtf8String())
        .containsExactly("abcd", "efgh", "ij");
    assertThat(chunks).allSatisfy(c -> assertThat(c.get("ttl").n()).isEqualTo("1234"));
  }

  @Test
  void assemble_inAnyOrder_restoresTheExactPayload() {
    List<Map<String, AttributeValue>> items = itemsOf("héllo wörld, €uro", 3);
    Collections.reverse(items);

    assertThat(DynamoDbItems.assemble(POINTER, items)).isEqualTo("héllo wörld, €uro");
  }

  @Test
  void emptyPayload_isOneEmptyChunk() {
    assertThat(DynamoDbItems.assemble(POINTER, itemsOf("", 10))).isEmpty();
  }

  @Test
  void noManifest_isNotFound() {
    List<Map<String, AttributeValue>> items = itemsOf("partial", 3);
    items.removeIf(DynamoDbItems::isManifest);

    assertThatThrownBy(() -> DynamoDbItems.assemble(POINTER, items))
        .isInstanceOf(PayloadNotFoundException.class)
        .hasMessage("payload not found in DynamoDB (no manifest item) [payload DYNAMODB:t/k]");
  }

  @Test
  void missingChunk_failsTheIntegrityCheck() {
    List<Map<String, AttributeValue>> items = itemsOf("abcdefghij", 4);
    items.remove(1);

    assertThatThrownBy(() -> DynamoDbItems.assemble(POINTER, items))
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

    assertThatThrownBy(() -> DynamoDbItems.assemble(POINTER, items))
        .isInstanceOf(PayloadIntegrityException.class)
        .hasMessageStartingWith(
            "DynamoDB payload failed its integrity check: payload does not match the SHA-256");
  }
}
