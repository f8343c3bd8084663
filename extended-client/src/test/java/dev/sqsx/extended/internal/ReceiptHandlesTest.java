/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqsx.extended.MalformedPointerException;
import dev.sqsx.extended.PayloadPointer;
import org.junit.jupiter.api.Test;

class ReceiptHandlesTest {

  @Test
  void embed_s3Pointer_usesAwsMarkersExactly() {
    assertThat(ReceiptHandles.embed(PayloadPointer.s3("bkt", "k-1"), "AQEB-handle"))
        .isEqualTo("-..s3BucketName..-bkt-..s3BucketName..--..s3Key..-k-1-..s3Key..-AQEB-handle");
  }

  @Test
  void parse_splitsByMarkers_evenWhenKeyAndHandleContainDashes() {
    String handle =
        ReceiptHandles.embed(PayloadPointer.s3("my-bucket", "a-b-c/d--e"), "AQ-EB--x==");

    ReceiptHandles.Parsed parsed = ReceiptHandles.parse(handle);

    assertThat(parsed.original()).isEqualTo("AQ-EB--x==");
    assertThat(parsed.pointer()).contains(PayloadPointer.s3("my-bucket", "a-b-c/d--e"));
  }

  @Test
  void parse_keyContainingTheMarkers_givesTheWholeKeyAndTheSqsHandle() {
    String key = "x-..s3Key..-y-..s3BucketName..-z-..s3Key..-";
    String handle = ReceiptHandles.embed(PayloadPointer.s3("bucket", key), "AQEB+orig/==");

    ReceiptHandles.Parsed parsed = ReceiptHandles.parse(handle);

    assertThat(parsed.pointer()).contains(PayloadPointer.s3("bucket", key));
    assertThat(parsed.original()).isEqualTo("AQEB+orig/==");
    String dynamoKey = "k-..dynamoDbKey..-k-..dynamoDbTable..-";
    assertThat(
            ReceiptHandles.parse(
                    ReceiptHandles.embed(PayloadPointer.dynamoDb("t.a-b_c", dynamoKey), "orig"))
                .pointer())
        .contains(PayloadPointer.dynamoDb("t.a-b_c", dynamoKey));
  }

  @Test
  void parse_dynamoDbPointer_usesItsOwnMarkers() {
    String handle = ReceiptHandles.embed(PayloadPointer.dynamoDb("t", "k"), "orig");

    assertThat(handle).startsWith("-..dynamoDbTable..-t-..dynamoDbTable..-");
    assertThat(ReceiptHandles.parse(handle).pointer()).contains(PayloadPointer.dynamoDb("t", "k"));
    assertThat(ReceiptHandles.original(handle)).isEqualTo("orig");
  }

  @Test
  void parse_plainHandle_hasNoPointer() {
    ReceiptHandles.Parsed parsed = ReceiptHandles.parse("AQEBplain");

    assertThat(parsed.original()).isEqualTo("AQEBplain");
    assertThat(parsed.pointer()).isEmpty();
    assertThat(ReceiptHandles.parse(null).original()).isNull();
  }

  @Test
  void parse_markerWithoutStructure_isMalformed() {
    assertThatThrownBy(() -> ReceiptHandles.parse("-..s3BucketName..-bucket-only"))
        .isInstanceOf(MalformedPointerException.class)
        .hasMessage("receipt handle carries payload markers but is not well formed");
    assertThatThrownBy(
            () ->
                ReceiptHandles.parse(
                    "-..s3BucketName..-b-..s3BucketName..--..s3Key..-k-..s3Key..-"))
        .isInstanceOf(MalformedPointerException.class);
  }

  @Test
  void offloadingParseHandle_passesAMalformedHandleThroughForSqsToReject() {
    assertThat(Offloading.parseHandle("-..s3BucketName..-junk").original())
        .isEqualTo("-..s3BucketName..-junk");
  }
}
