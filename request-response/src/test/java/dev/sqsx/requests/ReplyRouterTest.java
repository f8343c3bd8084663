/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.requests.ReplyRouter.Routing;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReplyRouterTest {

  private final AtomicLong now = new AtomicLong();
  private final ReplyRouter router = new ReplyRouter(now::get, 1_000, 3);
  private final Routing[] routing = new Routing[1];

  @Test
  void aReply_isDeliveredOnce_andItsDuplicatesAreToldApart() {
    ReplyRouter.Pending request = pending();
    router.register("a", request);

    assertThat(router.route("a", routing)).isSameAs(request);
    assertThat(routing[0]).isEqualTo(Routing.DELIVERED);
    assertThat(router.route("a", routing)).isNull();
    assertThat(routing[0]).isEqualTo(Routing.DUPLICATE);
    assertThat(router.delivered.sum()).isEqualTo(1);
    assertThat(router.duplicates.sum()).isEqualTo(1);
    assertThat(router.pendingCount()).isZero();
  }

  @Test
  void aReplyToAnAbandonedRequest_isLate() {
    router.register("a", pending());
    assertThat(router.abandon("a")).isNotNull();

    assertThat(router.route("a", routing)).isNull();
    assertThat(routing[0]).isEqualTo(Routing.LATE);
    assertThat(router.abandon("a")).isNull();
    assertThat(router.late.sum()).isEqualTo(1);
  }

  @Test
  void aReplyWithoutOrWithAnUnknownCorrelationId_isUnknown() {
    router.register("a", pending());

    assertThat(router.route(null, routing)).isNull();
    assertThat(routing[0]).isEqualTo(Routing.UNKNOWN);
    assertThat(router.route("b", routing)).isNull();
    assertThat(routing[0]).isEqualTo(Routing.UNKNOWN);
    assertThat(router.unknown.sum()).isEqualTo(2);
    assertThat(router.pendingCount()).isEqualTo(1);
  }

  @Test
  void settledRequests_areForgottenAfterTheMemoryOrBeyondItsLimit() {
    for (String id : new String[] {"a", "b", "c", "d"}) {
      router.register(id, pending());
      router.route(id, routing);
    }
    assertThat(router.route("a", routing)).isNull();
    assertThat(routing[0]).isEqualTo(Routing.UNKNOWN); // the 4th pushed the 1st out
    assertThat(router.route("b", routing)).isNull();
    assertThat(routing[0]).isEqualTo(Routing.DUPLICATE);

    now.addAndGet(1_001);
    router.register("e", pending());
    router.route("e", routing); // remembering "e" forgets what is older than the memory

    assertThat(router.route("d", routing)).isNull();
    assertThat(routing[0]).isEqualTo(Routing.UNKNOWN);
  }

  @Test
  void drain_takesEveryWaitingRequest() {
    router.register("a", pending());
    router.register("b", pending());

    assertThat(router.drain()).containsOnlyKeys("a", "b");
    assertThat(router.pendingCount()).isZero();
    router.route("a", routing);
    assertThat(routing[0]).isEqualTo(Routing.LATE);
  }

  private static ReplyRouter.Pending pending() {
    return new ReplyRouter.Pending(new CompletableFuture<>(), "queue", 0);
  }
}
