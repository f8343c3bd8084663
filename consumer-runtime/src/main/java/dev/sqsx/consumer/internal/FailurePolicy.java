package dev.sqsx.consumer.internal;

/**
 * What happens to a message whose handler failed. The message is no longer under the heartbeat when
 * this is called; the policy decides when (or whether) it is seen again. Implementations must not
 * block.
 */
public interface FailurePolicy {

  /** Acts on one failed message. */
  void onFailure(Lease lease, Throwable error);

  /** Leave messages as they are: they become visible again when their visibility ends. */
  static FailurePolicy leave() {
    return new FailurePolicy() {
      @Override
      public void onFailure(Lease lease, Throwable error) {}
    };
  }
}
