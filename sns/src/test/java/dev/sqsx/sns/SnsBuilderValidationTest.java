/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqsx.extended.S3PayloadStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

class SnsBuilderValidationTest {

  private static final S3Client S3 =
      S3Client.builder()
          .region(Region.US_EAST_1)
          .credentialsProvider(AnonymousCredentialsProvider.create())
          .build();
  private static final SnsClient SNS =
      SnsClient.builder()
          .region(Region.US_EAST_1)
          .credentialsProvider(AnonymousCredentialsProvider.create())
          .build();

  @AfterAll
  static void close() {
    S3.close();
    SNS.close();
  }

  private static SnsExtendedClient.Builder builder() {
    return SnsExtendedClient.builder()
        .snsClient(SNS)
        .payloadStore(S3PayloadStore.builder().s3Client(S3).bucket("b").build());
  }

  @Test
  void threshold_outOfRange_namesTheRule() {
    for (int invalid : new int[] {0, 1_048_577}) {
      assertThatThrownBy(() -> builder().payloadSizeThreshold(invalid).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "payloadSizeThreshold must be 1..1048576 (the largest SNS message size limit), was "
                  + invalid);
    }
  }

  @Test
  void threshold_upTo1MiB_isAccepted_asATopicRaisedTo1MiBTakes() {
    assertThat(builder().payloadSizeThreshold(1_048_576).build()).isNotNull();
  }

  @Test
  void maximumMessageSizeRefresh_notPositive_namesTheRule() {
    assertThatThrownBy(() -> builder().maximumMessageSizeRefresh(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "maximumMessageSizeRefresh must be positive (how long a topic's MaximumMessageSize is"
                + " kept), was PT0S");
  }

  @Test
  void compressionMinSize_belowOne_namesTheRule() {
    assertThatThrownBy(
            () ->
                builder()
                    .compression(dev.sqsx.extended.Compression.GZIP)
                    .compressionMinSize(0)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "compressionMinSize must be at least 1 (the smallest message compressed, in bytes), was"
                + " 0");
  }
}
