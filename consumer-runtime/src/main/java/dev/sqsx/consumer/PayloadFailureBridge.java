package dev.sqsx.consumer;

import dev.sqsx.extended.PayloadResolutionFailure;
import dev.sqsx.extended.PayloadResolutionListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * <p>One bridge may serve several consumers, of one queue or of several: a failure goes to a
 * running consumer of its queue (any of them: each applies the same kind of policy to the message's
 * receipt handle), and closing one consumer leaves the others bound. Every failure is also logged
 * as by {@link PayloadResolutionListener#logging()}; failures of queues no running consumer is
 * bound to are only logged. Thread-safe. Needs sqsx-extended-client on the classpath.
 */
// the extended client is an optional dependency (requires static): this bridge is for those who use
// it.
@SuppressWarnings("exports")
public final class PayloadFailureBridge implements PayloadResolutionListener {

  private final PayloadResolutionListener log = PayloadResolutionListener.logging();

  /** One consumer bound to a queue; {@code owner} identifies it for unbinding. */
  private record Binding(Object owner, Consumer<PayloadResolutionFailure> consumer) {}

  private final Map<String, List<Binding>> consumers = new ConcurrentHashMap<>();

  /** A bridge bound to no consumer yet. */
  public PayloadFailureBridge() {}

  @Override
  public void onFailure(PayloadResolutionFailure failure) {
    log.onFailure(failure);
    List<Binding> bound = consumers.getOrDefault(failure.queueUrl(), List.of());
    if (!bound.isEmpty() && !failure.deleted()) {
      bound.get(0).consumer().accept(failure);
    }
  }

  void bind(String queueUrl, Object owner, Consumer<PayloadResolutionFailure> consumer) {
    consumers
        .computeIfAbsent(queueUrl, url -> new CopyOnWriteArrayList<>())
        .add(new Binding(owner, consumer));
  }

  void unbind(String queueUrl, Object owner) {
    consumers.computeIfPresent(
        queueUrl,
        (url, bound) -> {
          bound.removeIf(binding -> binding.owner() == owner);
          return bound.isEmpty() ? null : bound;
        });
  }
}
