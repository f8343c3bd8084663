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

class PointerCodecTest {

  @Test
  void write_s3Pointer_isAwsCompactFormatExactly() {
    assertThat(PointerCodec.write(PayloadPointer.s3("bucket-1", "pre/3f2c-uuid")))
        .isEqualTo(
            "[\"software.amazon.payloadoffloading.PayloadS3Pointer\","
                + "{\"s3BucketName\":\"bucket-1\",\"s3Key\":\"pre/3f2c-uuid\"}]");
  }

  @Test
  void write_dynamoDbPointer_isSqsxFormatExactly() {
    assertThat(PointerCodec.write(PayloadPointer.dynamoDb("payloads", "k-1")))
        .isEqualTo(
            "[\"dev.sqsx.PayloadDynamoDbPointer\",{\"tableName\":\"payloads\",\"key\":\"k-1\"}]");
  }

  @Test
  void write_escapesQuotesBackslashesAndControlCharacters_asJacksonDoes() {
    String json = PointerCodec.write(PayloadPointer.s3("b", "a\"b\\c\nd\u0001"));

    assertThat(json).contains("\"s3Key\":\"a\\\"b\\\\c\\nd\\u0001\"");
    assertThat(PointerCodec.read(json).key()).isEqualTo("a\"b\\c\nd\u0001");
  }

  @Test
  void read_toleratesWhitespaceUnknownFieldsAndFieldOrder() {
    String body =
        " [ \"software.amazon.payloadoffloading.PayloadS3Pointer\" ,\n"
            + " { \"extra\": 1, \"s3Key\" : \"k\", \"s3BucketName\" : \"b\" } ] ";

    assertThat(PointerCodec.read(body)).isEqualTo(PayloadPointer.s3("b", "k"));
  }

  @Test
  void read_legacyClassName_isAnS3Pointer() {
    String body =
        "[\"com.amazon.sqs.javamessaging.MessageS3Pointer\",{\"s3BucketName\":\"b\",\"s3Key\":\"k\"}]";

    assertThat(PointerCodec.read(body)).isEqualTo(PayloadPointer.s3("b", "k"));
  }

  @Test
  void read_roundTripsWhatWriteProduces() {
    PayloadPointer pointer = PayloadPointer.dynamoDb("t", "key with spaces");

    assertThat(PointerCodec.read(PointerCodec.write(pointer))).isEqualTo(pointer);
  }

  @Test
  void read_unknownClass_isMalformedAndNamesTheClass() {
    assertThatThrownBy(
            () ->
                PointerCodec.read(
                    "[\"java.lang.Runtime\",{\"s3BucketName\":\"b\",\"s3Key\":\"k\"}]"))
        .isInstanceOf(MalformedPointerException.class)
        .hasMessage(
            "message body is not a payload pointer: unknown pointer class 'java.lang.Runtime'");
  }

  @Test
  void read_notJson_isMalformed_andTheMessageQuotesNothingOfTheBody() {
    assertThatThrownBy(() -> PointerCodec.read("hello {"))
        .isInstanceOf(MalformedPointerException.class)
        .hasMessage("message body is not a payload pointer: the body is not JSON (at character 0)")
        .hasNoCause();
  }

  @Test
  void read_emptyBody_isMalformed() {
    assertThatThrownBy(() -> PointerCodec.read(""))
        .isInstanceOf(MalformedPointerException.class)
        .hasMessage("message body is not a payload pointer: the body is empty");
  }

  @Test
  void read_wrongShape_isMalformed() {
    assertThatThrownBy(() -> PointerCodec.read("{\"s3BucketName\":\"b\",\"s3Key\":\"k\"}"))
        .isInstanceOf(MalformedPointerException.class)
        .hasMessage(
            "message body is not a payload pointer: the body is not a [class, fields] JSON array");
    assertThatThrownBy(() -> PointerCodec.read("[\"x\"]"))
        .isInstanceOf(MalformedPointerException.class);
  }

  @Test
  void read_missingOrNonStringField_isMalformedAndNamesTheField() {
    assertThatThrownBy(
            () ->
                PointerCodec.read(
                    "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\"b\"}]"))
        .isInstanceOf(MalformedPointerException.class)
        .hasMessage("message body is not a payload pointer: the pointer has no 's3Key' string");
    assertThatThrownBy(
            () ->
                PointerCodec.read(
                    "[\"dev.sqsx.PayloadDynamoDbPointer\",{\"tableName\":1,\"key\":\"k\"}]"))
        .isInstanceOf(MalformedPointerException.class)
        .hasMessage("message body is not a payload pointer: the pointer has no 'tableName' string");
  }
}
