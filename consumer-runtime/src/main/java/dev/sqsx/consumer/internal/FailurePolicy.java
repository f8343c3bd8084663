package dev.sqsx.consumer.internal;

/**
 * What happens to a message whose handler failed. The message is no longer under the heartbeat when
 * this is called; the policy decides when (or whether) it is seen again.
 */
@FunctionalInterface
public interface FailurePolicy {

  /** Acts on one failed message; must not block. */
  void onFailure(Lease lease, Throwable error);

  /** Leave the message as it is: it becomes visible again when its current visibility ends. */
  static FailurePolicy leave() {
    return (lease, error) -> {};
  }
}
