/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqsx.extended.ExtendedClientException;
import dev.sqsx.extended.PayloadPointer;
import dev.sqsx.extended.PayloadResolutionListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.utils.BinaryUtils;
import software.amazon.awssdk.utils.Md5Utils;

class OffloadingTest {

  private static Offloading rules(int threshold, boolean always, int batchLimit) {
    return new Offloading(
        new Settings(
            null,
            true,
            threshold,
            always,
            false,
            true,
            false,
            false,
            batchLimit,
            PayloadResolutionListener.logging(),
            null,
            java.time.Duration.ofMinutes(5),
            null,
            65_536,
            64L << 20));
  }

  @Test
  void sizeRule_countsUtf8BodyAndAttributeNamesTypesAndValues() {
    Map<String, MessageAttributeValue> attributes =
        Map.of(
            "name", MessageAttributeValue.builder().dataType("String").stringValue("é").build(),
            "bin",
                MessageAttributeValue.builder()
                    .dataType("Binary")
                    .binaryValue(SdkBytes.fromByteArray(new byte[10]))
                    .build());

    // body "€" = 3 bytes; "name"4 + "String"6 + "é"2; "bin"3 + "Binary"6 + 10
    assertThat(Markers.messageSize("€", attributes)).isEqualTo(3 + 12 + 19);
  }

  @Test
  void mustOffload_onlyAboveTheThreshold() {
    Offloading rules = rules(10, false, 1_048_576);

    assertThat(rules.mustOffload("x".repeat(10), Map.of(), 10)).isFalse();
    assertThat(rules.mustOffload("x".repeat(11), Map.of(), 10)).isTrue();
    assertThat(
            rules.mustOffload(
                "x".repeat(3),
                Map.of(
                    "a",
                    MessageAttributeValue.builder().dataType("String").stringValue("").build()),
                10))
        .isFalse();
    assertThat(
            rules.mustOffload(
                "x".repeat(3),
                Map.of(
                    "ab",
                    MessageAttributeValue.builder().dataType("String").stringValue("").build()),
                10))
        .isTrue();
  }

  @Test
  void alwaysOffload_offloadsEvenAnEmptyBody() {
    assertThat(rules(262_144, true, 1_048_576).mustOffload("", Map.of(), 262_144)).isTrue();
  }

  @Test
  void batchPlan_offloadsLargestFirstUntilTheTotalFits() {
    Offloading rules = rules(262_144, false, 50_000);
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    int[] sizes = {10_000, 30_000, 5_000, 25_000, 15_000};
    for (int i = 0; i < sizes.length; i++) {
      entries.add(
          SendMessageBatchRequestEntry.builder()
              .id("e" + i)
              .messageBody("x".repeat(sizes[i]))
              .build());
    }

    // 85,000 bytes: without the 30,000 one (now a pointer of at most ~1.2 KB) 56,232 is still too
    // much; without the 25,000 one too, 32,464 fits. The three smaller entries stay inline.
    assertThat(
            rules.batchOffloadPlan(
                entries, rules.settings().payloadSizeThreshold(), java.util.Set.of()))
        .containsExactly(1, 3);
  }

  @Test
  void batchPlan_largeLimit_offloadsOnlyWhatIsNeeded() {
    Offloading rules = rules(262_144, false, 1_048_576);
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      entries.add(
          SendMessageBatchRequestEntry.builder()
              .id("e" + i)
              .messageBody("x".repeat(200_000 + i))
              .build());
    }

    List<Integer> plan =
        rules.batchOffloadPlan(
            entries, rules.settings().payloadSizeThreshold(), java.util.Set.of());

    // 2,000,045 bytes: the five largest (ids 5..9) go, leaving 5 × ~200 KB + 5 pointers < 1 MiB.
    assertThat(plan).containsExactly(5, 6, 7, 8, 9);
  }

  @Test
  void batchPlan_entryOverThreshold_isAlwaysOffloaded() {
    Offloading rules = rules(100, false, 1_048_576);
    List<SendMessageBatchRequestEntry> entries =
        List.of(
            SendMessageBatchRequestEntry.builder().id("a").messageBody("x".repeat(50)).build(),
            SendMessageBatchRequestEntry.builder().id("b").messageBody("x".repeat(101)).build());

    assertThat(
            rules.batchOffloadPlan(
                entries, rules.settings().payloadSizeThreshold(), java.util.Set.of()))
        .containsExactly(1);
  }

  @Test
  void batchPlan_leavesSkippedEntriesOut() {
    Offloading rules = rules(100, false, 1_048_576);
    List<SendMessageBatchRequestEntry> entries =
        List.of(
            SendMessageBatchRequestEntry.builder().id("a").messageBody("x".repeat(150)).build(),
            SendMessageBatchRequestEntry.builder().id("b").messageBody("x".repeat(101)).build());

    assertThat(rules.batchOffloadPlan(entries, 100, java.util.Set.of(0))).containsExactly(1);
  }

  @Test
  void fitsWhenOffloaded_countsTheSmallestPointerTheMarkerAndTheAttributes() {
    Map<String, MessageAttributeValue> attributes =
        Map.of("a", MessageAttributeValue.builder().dataType("String").stringValue("xyz").build());
    long least = Offloading.offloadedSizeAtLeast(attributes);

    // "a" + "String" + "xyz", the marker (ExtendedPayloadSize, Number, 7 digits) and a pointer
    assertThat(least).isEqualTo(Offloading.POINTER_SIZE_MINIMUM + 32 + 10);
    assertThat(Offloading.fitsWhenOffloaded(attributes, least)).isTrue();
    assertThat(Offloading.fitsWhenOffloaded(attributes, least - 1)).isFalse();
  }

  @Test
  void receiveRequest_asksForBothMarkersAndTheCompressionAttribute_keepingTheCallersNames() {
    ReceiveMessageRequest request =
        rules(1, false, 1)
            .receiveRequest(
                ReceiveMessageRequest.builder()
                    .queueUrl("q")
                    .messageAttributeNames("Mine")
                    .build());

    assertThat(request.messageAttributeNames())
        .containsExactly(
            "Mine", "ExtendedPayloadSize", "SQSLargePayloadSize", "sqsx.ContentEncoding");
  }

  @Test
  void receiveRequest_askingForAll_isLeftAlone() {
    ReceiveMessageRequest all =
        ReceiveMessageRequest.builder().queueUrl("q").messageAttributeNames("All").build();

    assertThat(rules(1, false, 1).receiveRequest(all)).isSameAs(all);
  }

  @Test
  void pointerRequest_replacesBodyAddsMarkerAndDeduplicationId() {
    SendMessageRequest original =
        SendMessageRequest.builder()
            .queueUrl("q.fifo")
            .messageBody("héllo")
            .messageGroupId("g")
            .build();

    SendMessageRequest pointer =
        rules(1, false, 1)
            .pointerRequest(
                original,
                PayloadPointer.s3("b", "k"),
                Markers.utf8Length(original.messageBody()),
                true);

    assertThat(pointer.messageBody()).isEqualTo(PointerCodec.write(PayloadPointer.s3("b", "k")));
    assertThat(pointer.messageAttributes().get("ExtendedPayloadSize").stringValue()).isEqualTo("6");
    assertThat(pointer.messageAttributes().get("ExtendedPayloadSize").dataType())
        .isEqualTo("Number");
    assertThat(pointer.messageGroupId()).isEqualTo("g");
    assertThat(pointer.messageDeduplicationId()).isEqualTo(Digests.sha256Hex("héllo")).hasSize(64);
  }

  @Test
  void pointerRequest_keepsAnExplicitDeduplicationId() {
    SendMessageRequest original =
        SendMessageRequest.builder()
            .queueUrl("q.fifo")
            .messageBody("x")
            .messageDeduplicationId("mine")
            .build();

    assertThat(
            rules(1, false, 1)
                .pointerRequest(
                    original,
                    PayloadPointer.s3("b", "k"),
                    Markers.utf8Length(original.messageBody()),
                    true)
                .messageDeduplicationId())
        .isEqualTo("mine");
  }

  @Test
  void checkRoomForMarker_tenAttributes_isRejectedWithTheLimit() {
    Map<String, MessageAttributeValue> ten = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      ten.put("a" + i, MessageAttributeValue.builder().dataType("String").stringValue("v").build());
    }

    assertThatThrownBy(() -> rules(1, false, 1).checkRoomForMarker("https://q", ten))
        .isInstanceOf(ExtendedClientException.class)
        .hasMessage(
            "message has 10 attributes; an offloaded message needs one more for the marker and SQS"
                + " allows 10 [queue https://q]");
  }

  @Test
  void checkRoomForMarker_reservedName_isRejected() {
    Map<String, MessageAttributeValue> reserved =
        Map.of(
            "SQSLargePayloadSize",
            MessageAttributeValue.builder().dataType("Number").stringValue("1").build());

    assertThatThrownBy(() -> rules(1, false, 1).checkRoomForMarker("q", reserved))
        .isInstanceOf(ExtendedClientException.class)
        .hasMessageStartingWith(
            "message attribute name 'SQSLargePayloadSize' is reserved for the payload marker");
  }

  @Test
  void resolved_restoresBodyDropsMarkersAndEmbedsPointer() {
    Message received =
        Message.builder()
            .messageId("m")
            .receiptHandle("h")
            .body("pointer")
            .messageAttributes(
                Markers.add(
                    Map.of(
                        "keep",
                        MessageAttributeValue.builder()
                            .dataType("String")
                            .stringValue("v")
                            .build()),
                    7,
                    true))
            .build();

    Message resolved =
        Offloading.resolved(
            received, PayloadPointer.s3("b", "k"), "payløad".getBytes(StandardCharsets.UTF_8));

    assertThat(resolved.body()).isEqualTo("payløad");
    assertThat(resolved.md5OfBody())
        .as("what SQS would report for that body")
        .isEqualTo(
            BinaryUtils.toHex(Md5Utils.computeMD5Hash("payløad".getBytes(StandardCharsets.UTF_8))));
    assertThat(resolved.messageAttributes()).containsOnlyKeys("keep");
    assertThat(resolved.receiptHandle())
        .isEqualTo(ReceiptHandles.embed(PayloadPointer.s3("b", "k"), "h"));
  }
}
