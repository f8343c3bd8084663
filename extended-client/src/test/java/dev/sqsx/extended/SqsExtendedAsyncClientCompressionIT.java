/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Compression with {@link SqsExtendedAsyncClient} over an asynchronous S3 store. */
class SqsExtendedAsyncClientCompressionIT extends CompressionBehaviour {

  @Override
  SqsClient extendedClient(Consumer<ExtendedClientBuilder<?>> options) {
    SqsExtendedAsyncClient.Builder builder =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsAsync)
            .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build());
    options.accept(builder);
    return new BlockingSqsClient(builder.build());
  }
}
