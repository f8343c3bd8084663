/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The behavioural suite against {@link SqsExtendedClient} over a synchronous S3 store. */
class SqsExtendedClientIT extends ExtendedClientBehaviour {

  @Override
  SqsClient extendedClient(String bucket, Consumer<ExtendedClientBuilder<?>> options) {
    SqsExtendedClient.Builder builder =
        SqsExtendedClient.builder()
            .sqsClient(sqsUnderTest)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build());
    options.accept(builder);
    return builder.build();
  }
}
