/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.sqs.SqsClient;

class BuilderValidationTest {

  private static final S3Client S3 =
      S3Client.builder()
          .region(Region.US_EAST_1)
          .credentialsProvider(AnonymousCredentialsProvider.create())
          .build();
  private static final SqsClient SQS =
      SqsClient.builder()
          .region(Region.US_EAST_1)
          .credentialsProvider(AnonymousCredentialsProvider.create())
          .build();

  @AfterAll
  static void close() {
    S3.close();
    SQS.close();
  }

  private static S3PayloadStore store() {
    return S3PayloadStore.builder().s3Client(S3).bucket("b").build();
  }

  @Test
  void compressionOptions_outOfRange_nameTheRule() {
    assertThatThrownBy(
            () ->
                SqsExtendedClient.builder()
                    .sqsClient(SQS)
                    .payloadStore(store())
                    .compression(Compression.GZIP)
                    .compressionMinSize(0)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "compressionMinSize must be at least 1 (the smallest body compressed, in bytes), was 0");
    assertThatThrownBy(
            () ->
                SqsExtendedClient.builder()
                    .sqsClient(SQS)
                    .payloadStore(store())
                    .maxPayloadSize(0)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "maxPayloadSize must be 1..2147483639 (what a compressed body may decompress to; one"
                + " Java array), was 0");
    assertThatThrownBy(
            () ->
                SqsExtendedClient.builder()
                    .sqsClient(SQS)
                    .payloadSupportEnabled(false)
                    .compression(Compression.ZSTD)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "compression needs payload support enabled: with it disabled the client passes"
                + " messages through unchanged");
  }

  @Test
  void maximumMessageSizeRefresh_notPositive_namesTheRule() {
    for (java.time.Duration invalid :
        new java.time.Duration[] {
          java.time.Duration.ZERO, java.time.Duration.ofSeconds(-1), null
        }) {
      assertThatThrownBy(
              () ->
                  SqsExtendedClient.builder()
                      .sqsClient(SQS)
                      .payloadStore(store())
                      .maximumMessageSizeRefresh(invalid)
                      .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "maximumMessageSizeRefresh must be positive (how long a queue's MaximumMessageSize"
                  + " is kept), was "
                  + invalid);
    }
  }

  @Test
  void autoPayloadSizeThreshold_replacesAFixedOne_soAnInvalidFixedValueNoLongerMatters() {
    SqsExtendedClient client =
        SqsExtendedClient.builder()
            .sqsClient(SQS)
            .payloadStore(store())
            .payloadSizeThreshold(0)
            .autoPayloadSizeThreshold()
            .build();

    assertThat(client).isNotNull();
  }

  @Test
  void threshold_outOfRange_namesTheRule() {
    for (int invalid : new int[] {0, -1, 1_048_577}) {
      assertThatThrownBy(
              () ->
                  SqsExtendedClient.builder()
                      .sqsClient(SQS)
                      .payloadStore(store())
                      .payloadSizeThreshold(invalid)
                      .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "payloadSizeThreshold must be 1..1048576 (the SQS message size limit), was "
                  + invalid);
    }
  }

  @Test
  void threshold_atTheBounds_isAccepted() {
    assertThat(
            SqsExtendedClient.builder()
                .sqsClient(SQS)
                .payloadStore(store())
                .payloadSizeThreshold(1)
                .build())
        .isNotNull();
    assertThat(
            SqsExtendedAsyncClient.builder()
                .sqsClient(
                    software.amazon.awssdk.services.sqs.SqsAsyncClient.builder()
                        .region(Region.US_EAST_1)
                        .credentialsProvider(AnonymousCredentialsProvider.create())
                        .build())
                .payloadStore(store())
                .payloadSizeThreshold(1_048_576)
                .build())
        .isNotNull();
  }

  @Test
  void batchSizeLimit_outOfRange_namesTheRule() {
    assertThatThrownBy(
            () ->
                SqsExtendedClient.builder()
                    .sqsClient(SQS)
                    .payloadStore(store())
                    .batchSizeLimit(2_000_000)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSizeLimit must be 1..1048576 (the SQS message size limit), was 2000000");
  }

  @Test
  void missingStore_isRejectedUnlessPayloadSupportIsDisabled() {
    assertThatThrownBy(() -> SqsExtendedClient.builder().sqsClient(SQS).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "payloadStore must be set while payload support is enabled: it is where large payloads"
                + " go");
    assertThat(SqsExtendedClient.builder().sqsClient(SQS).payloadSupportEnabled(false).build())
        .isNotNull();
  }

  @Test
  void missingSqsClient_isRejected() {
    assertThatThrownBy(() -> SqsExtendedClient.builder().payloadStore(store()).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("sqsClient cannot be null");
  }

  @Test
  void nullListener_isRejectedWithTheDefaultNamed() {
    assertThatThrownBy(
            () ->
                SqsExtendedClient.builder()
                    .sqsClient(SQS)
                    .payloadStore(store())
                    .resolutionListener(null)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PayloadResolutionListener.logging()");
  }

  @Test
  void s3Store_withoutClientOrBucket_isRejected() {
    assertThatThrownBy(() -> S3PayloadStore.builder().bucket("b").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("s3Client or s3AsyncClient must be set: the store needs a client to reach S3");
    assertThatThrownBy(() -> S3PayloadStore.builder().s3Client(S3).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bucket must be set: it is where payloads are written, was 'null'");
  }

  @Test
  void keyPrefix_rulesOfAwsLibrary_areEnforcedWithTheirReasons() {
    assertThatThrownBy(
            () -> S3PayloadStore.builder().s3Client(S3).bucket("b").keyPrefix("a b").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keyPrefix may contain only letters, digits, '.', '/', '_' and '-', was 'a b'");
    assertThatThrownBy(
            () -> S3PayloadStore.builder().s3Client(S3).bucket("b").keyPrefix("/x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keyPrefix must not start with '.' or '/' nor contain '..', was '/x'");
    assertThatThrownBy(
            () -> S3PayloadStore.builder().s3Client(S3).bucket("b").keyPrefix("a/../b").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keyPrefix must not start with '.' or '/' nor contain '..', was 'a/../b'");
    assertThatThrownBy(
            () ->
                S3PayloadStore.builder()
                    .s3Client(S3)
                    .bucket("b")
                    .keyPrefix("x".repeat(989))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "keyPrefix must be at most 988 characters (S3 keys are at most 1,024 and the UUID takes"
                + " 36), was 989");
    assertThat(
            S3PayloadStore.builder().s3Client(S3).bucket("b").keyPrefix(" ok/pre_fix-1. ").build())
        .isNotNull();
  }

  @Test
  void kmsKeyId_withoutKmsEncryption_isRejected() {
    assertThatThrownBy(
            () ->
                S3PayloadStore.builder()
                    .s3Client(S3)
                    .bucket("b")
                    .kmsKeyId("alias/k")
                    .serverSideEncryption(ServerSideEncryption.AES256)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("kmsKeyId needs serverSideEncryption aws:kms, was AES256");
  }

  @Test
  void allowedBuckets_alwaysIncludeTheStoresOwnBucket() {
    S3PayloadStore store =
        S3PayloadStore.builder().s3Client(S3).bucket("own").allowedBuckets(Set.of("old")).build();

    assertThat(store.allowedBuckets()).containsExactlyInAnyOrder("own", "old");
  }

  @Test
  void s3Store_refusesForeignPointersWithoutCallingS3() {
    S3PayloadStore store = store();

    assertThatThrownBy(() -> store.read(PayloadPointer.s3("other", "k")))
        .isInstanceOf(PayloadNotAllowedException.class)
        .hasMessage(
            "pointer names bucket 'other', which is not allowed (allowed: [b]) [payload S3:other/k]");
    assertThatThrownBy(() -> store.delete(PayloadPointer.dynamoDb("t", "k")))
        .isInstanceOf(PayloadNotAllowedException.class)
        .hasMessageStartingWith(
            "pointer names a DYNAMODB store; this S3 store reads S3 pointers only");
    assertThat(store.readAsync(PayloadPointer.s3("other", "k")))
        .failsWithin(java.time.Duration.ofSeconds(1))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(PayloadNotAllowedException.class);
  }
}
