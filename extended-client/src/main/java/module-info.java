/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * sqsx's extended SQS clients: {@code SqsClient} and {@code SqsAsyncClient} decorators that offload
 * large payloads to S3 or DynamoDB, and the public resolution API ({@code ExtendedMessages}). Only
 * {@code dev.sqsx.extended} is exported; {@code dev.sqsx.extended.internal} is not API. DynamoDB is
 * optional: needed only for {@code DynamoDbPayloadStore}; so is {@code com.github.luben:zstd-jni},
 * needed only for {@code Compression.ZSTD} and reached by reflection (its jar has no module name).
 */
module dev.sqsx.extended {
  requires transitive software.amazon.awssdk.services.sqs;
  requires transitive software.amazon.awssdk.services.s3;
  requires static software.amazon.awssdk.services.dynamodb;
  requires transitive software.amazon.awssdk.core;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.retries.api;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.jr.ob;
  requires org.reactivestreams;
  requires org.slf4j;

  exports dev.sqsx.extended;
}
