package dev.sqsx.consumer;

import dev.sqsx.extended.PayloadResolutionFailure;
import dev.sqsx.extended.PayloadResolutionListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Every failure is also logged as by {@link PayloadResolutionListener#logging()}; failures of
 * queues no started consumer is bound to are only logged. Thread-safe. Needs sqsx-extended-client
 * on the classpath.
 */
public final class PayloadFailureBridge implements PayloadResolutionListener {

  private final PayloadResolutionListener log = PayloadResolutionListener.logging();
  private final Map<String, Consumer<PayloadResolutionFailure>> consumers =
      new ConcurrentHashMap<>();

  /** A bridge bound to no consumer yet. */
  public PayloadFailureBridge() {}

  @Override
  public void onFailure(PayloadResolutionFailure failure) {
    log.onFailure(failure);
    Consumer<PayloadResolutionFailure> consumer = consumers.get(failure.queueUrl());
    if (consumer != null && !failure.deleted()) {
      consumer.accept(failure);
    }
  }

  void bind(String queueUrl, Consumer<PayloadResolutionFailure> consumer) {
    consumers.put(queueUrl, consumer);
  }

  void unbind(String queueUrl) {
    consumers.remove(queueUrl);
  }
}
