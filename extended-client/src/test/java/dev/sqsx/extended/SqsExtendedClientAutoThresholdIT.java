/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.testing.QueueSizeLimitShim;
import dev.sqsx.testing.faults.FaultInjector;
import java.util.function.Consumer;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The {@code auto} threshold of {@link SqsExtendedClient}. */
class SqsExtendedClientAutoThresholdIT extends AutoThresholdBehaviour {

  @Override
  SqsClient extendedClient(
      QueueSizeLimitShim limits, FaultInjector faults, Consumer<ExtendedClientBuilder<?>> options) {
    var plain = endpoints.configure(SqsClient.builder(), endpoints.sqsEndpoint());
    if (faults != null) {
      plain.httpClientBuilder(faults.wrap(Apache5HttpClient.builder()));
    }
    SqsClient sqsClient =
        plain.overrideConfiguration(c -> c.addExecutionInterceptor(limits)).build();
    closeAfterwards(sqsClient);
    SqsExtendedClient.Builder builder =
        SqsExtendedClient.builder()
            .sqsClient(sqsClient)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build());
    options.accept(builder);
    return builder.build();
  }
}
