/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.testing.QueueSizeLimitShim;
import dev.sqsx.testing.faults.FaultInjector;
import java.util.function.Consumer;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The {@code auto} threshold of {@link SqsExtendedAsyncClient}. */
class SqsExtendedAsyncClientAutoThresholdIT extends AutoThresholdBehaviour {

  @Override
  SqsClient extendedClient(
      QueueSizeLimitShim limits, FaultInjector faults, Consumer<ExtendedClientBuilder<?>> options) {
    var plain = endpoints.configure(SqsAsyncClient.builder(), endpoints.sqsEndpoint());
    if (faults != null) {
      plain.httpClientBuilder(faults.wrap(NettyNioAsyncHttpClient.builder()));
    }
    SqsAsyncClient sqsClient =
        plain.overrideConfiguration(c -> c.addExecutionInterceptor(limits)).build();
    closeAfterwards(sqsClient);
    SqsExtendedAsyncClient.Builder builder =
        SqsExtendedAsyncClient.builder()
            .sqsClient(sqsClient)
            .payloadStore(S3PayloadStore.builder().s3AsyncClient(s3Async).bucket(bucket).build());
    options.accept(builder);
    SqsExtendedAsyncClient client = builder.build();
    closeAfterwards(client);
    return new BlockingSqsClient(client);
  }
}
