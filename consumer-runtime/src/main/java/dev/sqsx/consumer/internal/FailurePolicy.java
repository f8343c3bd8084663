package dev.sqsx.consumer.internal;

import java.time.Duration;

/**
 * What happens to a message whose handler failed, or that was put back unhandled. The message is no
 * longer under the heartbeat when this is called; the policy decides when (or whether) it is seen
 * again. Implementations must not block.
 */
public interface FailurePolicy {

  /** Acts on one failed message. */
  void onFailure(Lease lease, Throwable error);

  /** Puts back a message that was not handled (breaker open, rate limit), without a failure. */
  void postpone(Lease lease, Duration delay);

  /** Leave messages as they are: they become visible again when their visibility ends. */
  static FailurePolicy leave() {
    return new FailurePolicy() {
      @Override
      public void onFailure(Lease lease, Throwable error) {}

      @Override
      public void postpone(Lease lease, Duration delay) {}
    };
  }
}
