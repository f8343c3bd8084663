package dev.sqsx.consumer;

/**
 * Binds a {@link PayloadFailureBridge} to a consumer. Kept apart so that sqsx-extended-client
 * classes load only for consumers that use a bridge.
 */
final class PayloadFailures {

  private PayloadFailures() {}

  static void bind(PayloadFailureBridge bridge, SqsConsumer consumer) {
    bridge.bind(
        consumer.queueUrl(),
        consumer,
        failure -> consumer.payloadFailed(failure.message(), failure.error()));
  }

  static void unbind(PayloadFailureBridge bridge, SqsConsumer consumer) {
    bridge.unbind(consumer.queueUrl(), consumer);
  }
}
