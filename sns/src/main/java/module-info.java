/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * sqsx's SNS publishers: {@code SnsClient} and {@code SnsAsyncClient} decorators that offload large
 * messages to a payload store (wire-compatible with AWS's SNS extended client). Subscribers unwrap
 * SNS envelopes with the extended SQS clients of {@code dev.sqsx.extended}.
 */
module dev.sqsx.sns {
  requires transitive dev.sqsx.extended;
  requires transitive software.amazon.awssdk.services.sns;
  requires transitive software.amazon.awssdk.core;
  requires software.amazon.awssdk.awscore;
  requires org.slf4j;

  exports dev.sqsx.sns;
}
