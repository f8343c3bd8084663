package dev.sqsx.extended;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Told about every received message whose payload could not be resolved.
 *
 * <p>Called on the thread that completes the receive (for the async client, an SDK or store
 * thread): keep it short and non-blocking. An exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface PayloadResolutionListener {

  /** Called once per failed message of a receive. */
  void onFailure(PayloadResolutionFailure failure);

  /**
   * The default: a WARN log line with the queue URL, message id and error (never the body), on the
   * logger {@code dev.sqsx.extended.PayloadResolutionListener}.
   */
  static PayloadResolutionListener logging() {
    Logger log = LoggerFactory.getLogger(PayloadResolutionListener.class);
    return failure ->
        log.warn(
            "payload of message {} from {} not resolved ({}): {}",
            failure.messageId(),
            failure.queueUrl(),
            failure.deleted() ? "message deleted: ignorePayloadNotFound" : "left for redelivery",
            failure.error().getMessage());
  }
}
