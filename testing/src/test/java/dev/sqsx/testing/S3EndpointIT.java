/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

@LocalAws
class S3EndpointIT {

  private static final int FIVE_MB = 5 * 1024 * 1024;

  @Test
  void fiveMegabyteObject_putGetDelete_roundTripsByteForByte(S3Client s3, AwsResources aws) {
    String bucket = aws.createBucket();
    byte[] payload = randomBytes(FIVE_MB, 42);

    s3.putObject(r -> r.bucket(bucket).key("big"), RequestBody.fromBytes(payload));
    byte[] read = s3.getObjectAsBytes(r -> r.bucket(bucket).key("big")).asByteArray();
    s3.deleteObject(r -> r.bucket(bucket).key("big"));

    assertThat(read).hasSize(FIVE_MB).isEqualTo(payload);
    assertThatThrownBy(() -> s3.headObject(r -> r.bucket(bucket).key("big")))
        .isInstanceOfSatisfying(
            software.amazon.awssdk.services.s3.model.S3Exception.class,
            e -> assertThat(e.statusCode()).isEqualTo(404));
  }

  @Test
  void missingObject_isReportedAsNoSuchKey(S3Client s3, AwsResources aws) {
    String bucket = aws.createBucket();

    assertThatThrownBy(() -> s3.getObjectAsBytes(r -> r.bucket(bucket).key("absent")))
        .isInstanceOf(NoSuchKeyException.class);
  }

  @Test
  void asyncClient_putsAndGetsThroughTheSameEndpoint(S3AsyncClient s3, AwsResources aws)
      throws Exception {
    String bucket = aws.createBucket();
    byte[] payload = randomBytes(300 * 1024, 7);

    s3.putObject(r -> r.bucket(bucket).key("k"), AsyncRequestBody.fromBytes(payload))
        .get(30, TimeUnit.SECONDS);
    byte[] read =
        s3.getObject(r -> r.bucket(bucket).key("k"), AsyncResponseTransformer.toBytes())
            .get(30, TimeUnit.SECONDS)
            .asByteArray();

    assertThat(read).isEqualTo(payload);
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
