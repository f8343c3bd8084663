/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import dev.sqsx.extended.PayloadResolutionListener;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * Connects a requester's receives to the extended client's payload failures: a reply whose pointer
 * cannot be resolved is never returned by the extended client, so without this it would come back
 * every visibility timeout until retention drops it, and its request would wait for its timeout.
 * Kept apart so that sqsx-extended-client classes load only when they are on the class path.
 */
final class UnreadableReplies {

  private static final boolean PRESENT = present();

  private UnreadableReplies() {}

  /**
   * How the poller marks its receive requests so that their payload failures come back to it; with
   * no extended client on the class path, the requests are left as they are.
   */
  static UnaryOperator<ReceiveMessageRequest> receivesOf(ReplyPoller poller) {
    if (!PRESENT) {
      return UnaryOperator.identity();
    }
    return Listener.of(poller);
  }

  private static boolean present() {
    try {
      Class.forName(
          "dev.sqsx.extended.PayloadResolutionListener",
          false,
          UnreadableReplies.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Loaded only when the extended client is present. */
  private static final class Listener {
    static UnaryOperator<ReceiveMessageRequest> of(ReplyPoller poller) {
      PayloadResolutionListener listener =
          failure -> poller.unreadable(failure.message(), failure.error(), failure.deleted());
      return listener::attachTo;
    }
  }
}
