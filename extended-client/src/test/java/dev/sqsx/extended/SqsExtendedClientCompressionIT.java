/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Compression with {@link SqsExtendedClient} over a synchronous S3 store. */
class SqsExtendedClientCompressionIT extends CompressionBehaviour {

  @Override
  SqsClient extendedClient(Consumer<ExtendedClientBuilder<?>> options) {
    SqsExtendedClient.Builder builder =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build());
    options.accept(builder);
    return builder.build();
  }
}
