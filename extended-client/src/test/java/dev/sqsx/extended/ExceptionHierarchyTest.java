/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** sqsx's exceptions fit the SDK's hierarchy and survive the SDK's rebuilding of them. */
class ExceptionHierarchyTest {

  private static final PayloadPointer POINTER = PayloadPointer.s3("payloads", "k-1");

  @Test
  void everyExtendedClientException_isAnSdkClientException() {
    List<ExtendedClientException> all =
        List.of(
            new ExtendedClientException("store failed"),
            new PayloadNotFoundException("gone", "q", "m", POINTER, null),
            new PayloadNotAllowedException("not allowed", "q", "m", POINTER, null),
            new PayloadTooLargeException("too large", "q", "m", POINTER, null),
            new MalformedPointerException("malformed", "q", "m", null, null),
            new PayloadIntegrityException("mismatch", "q", "m", POINTER, null));
    for (ExtendedClientException e : all) {
      assertThat(e).isInstanceOf(SdkClientException.class).isInstanceOf(SdkException.class);
    }
  }

  @Test
  void retryable_meansAnotherAttemptMaySucceed() {
    SdkClientException reset = SdkClientException.create("reset", new IOException("reset"));
    assertThat(new ExtendedClientException("cannot read payload from S3", reset).retryable())
        .as("a store that did not answer")
        .isTrue();
    assertThat(
            new ExtendedClientException(
                    "cannot read payload from S3", SdkClientException.create("bad config"))
                .retryable())
        .isFalse();
    assertThat(new PayloadNotFoundException("gone", "q", "m", POINTER, reset).retryable())
        .isFalse();
    assertThat(new PayloadTooLargeException("too large", "q", "m", POINTER, reset).retryable())
        .isFalse();
    assertThat(new MalformedPointerException("bad", "q", "m", null, reset).retryable()).isFalse();
  }

  @Test
  void toBuilder_keepsClassContextAndMessage_andRecordsAttempts() {
    // What the SDK's retry stage does to an SdkException thrown inside a call (e.g. by a response
    // transformer refusing an oversized object): exception.toBuilder().numAttempts(n).build().
    PayloadTooLargeException original =
        new PayloadTooLargeException(
            "payload object has 9 bytes", "q-url", "m-1", POINTER, new IllegalStateException("x"));

    SdkException rebuilt = original.toBuilder().numAttempts(2).build();

    assertThat(rebuilt).isInstanceOf(PayloadTooLargeException.class);
    PayloadTooLargeException same = (PayloadTooLargeException) rebuilt;
    assertThat(same.queueUrl()).contains("q-url");
    assertThat(same.messageId()).contains("m-1");
    assertThat(same.pointer()).contains(POINTER);
    assertThat(same.getCause()).isSameAs(original.getCause());
    assertThat(same.numAttempts()).isEqualTo(2);
    assertThat(same.getMessage()).startsWith(original.getMessage());
  }

  @Test
  void sdkExceptionCatchBlocks_catchTheExtendedClientsFailures() {
    // The store refuses the payload before any call: nothing reaches the (unreachable) endpoints.
    URI nowhere = URI.create("http://127.0.0.1:9");
    try (S3Client s3 =
            S3Client.builder()
                .endpointOverride(nowhere)
                .region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .build();
        SqsClient plain =
            SqsClient.builder()
                .endpointOverride(nowhere)
                .region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .build();
        SqsClient sqs =
            SqsExtendedClient.builder()
                .sqsClient(plain)
                .payloadStore(
                    S3PayloadStore.builder().s3Client(s3).bucket("b").maxPayloadSize(1_000).build())
                .alwaysOffload(true)
                .build()) {

      Throwable thrown =
          catchThrowable(
              () -> {
                try {
                  sqs.sendMessage(
                      r -> r.queueUrl("http://127.0.0.1:9/1/q").messageBody("x".repeat(2_000)));
                } catch (SdkException e) {
                  throw new AssertionError("caught as SdkException", e);
                }
              });

      assertThat(thrown).isInstanceOf(AssertionError.class).hasMessage("caught as SdkException");
      assertThat(thrown.getCause())
          .isInstanceOf(ExtendedClientException.class)
          .hasMessageContaining("nothing was sent")
          .hasRootCauseInstanceOf(PayloadTooLargeException.class);
    }
  }
}
