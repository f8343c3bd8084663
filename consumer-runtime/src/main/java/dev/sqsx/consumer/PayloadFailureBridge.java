/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import dev.sqsx.extended.PayloadResolutionFailure;
import dev.sqsx.extended.PayloadResolutionListener;
import java.util.function.Consumer;

/**
 * Routes the extended client's payload resolution failures into a consumer's retry and dead-letter
 * policy, so a message whose payload cannot be resolved is handled like a handler failure: a
 * pointer that is malformed, names a bucket or table that is not allowed, or fails its integrity
 * check goes to the DLQ at once with its reason; a missing payload is retried with backoff.
 *
 * <pre>{@code
 * PayloadFailureBridge failures = new PayloadFailureBridge();
 * SqsExtendedAsyncClient sqs = SqsExtendedAsyncClient.builder()
 *     .sqsClient(plain).payloadStore(store).resolutionListener(failures).build();
 * SqsConsumer consumer = SqsConsumer.builder()
 *     .sqsClient(sqs).payloadFailures(failures).queueUrl(url).handler(...).build();
 * }</pre>
 *
 * <p>A consumer given the bridge attaches a listener of its own to each of its receive requests
 * ({@link PayloadResolutionListener#attachTo}), so a failure goes to the consumer whose receive hit
 * it — however many consumers, of one queue or of several, share the bridge. That matters on a FIFO
 * queue: the consumer that received the failed message holds the later messages of its group that
 * came in the same receive until the failed one has run. As the client's {@code
 * resolutionListener}, the bridge logs every failure as {@link PayloadResolutionListener#logging()}
 * does. A failure of a receive that no running consumer made (a receive of your own through the
 * client, or one that answered after its consumer closed) is only logged: the message comes back
 * when its visibility timeout ends. Thread-safe. Needs sqsx-extended-client on the classpath.
 */
// the extended client is an optional dependency (requires static): this bridge is for those who use
// it.
@SuppressWarnings("exports")
public final class PayloadFailureBridge implements PayloadResolutionListener {

  private final PayloadResolutionListener log = PayloadResolutionListener.logging();

  /** A bridge; it keeps no state of its own, so one may serve any number of consumers. */
  public PayloadFailureBridge() {}

  /** Logs the failure; its consumer hears of it through the listener on its receive request. */
  @Override
  public void onFailure(PayloadResolutionFailure failure) {
    log.onFailure(failure);
  }

  /**
   * The listener one consumer attaches to its receives: hands it each failure of those receives,
   * except a message the extended client deleted ({@code ignorePayloadNotFound}).
   */
  PayloadResolutionListener receiverOf(Consumer<PayloadResolutionFailure> consumer) {
    return failure -> {
      if (!failure.deleted()) {
        consumer.accept(failure);
      }
    };
  }
}
