/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class LongPollBudgetTest {

  @Test
  void join_admitsConsumersUpToTheLimit_andLeaveMakesRoom() {
    LongPollBudget budget = new LongPollBudget();
    assertThat(budget.join(2)).isTrue();
    assertThat(budget.join(2)).isTrue();
    assertThat(budget.join(2)).isFalse();
    assertThat(budget.members()).isEqualTo(2);
    budget.leave();
    assertThat(budget.join(2)).isTrue();
  }

  @Test
  void extraReceives_leaveRoomForEveryJoinedConsumersBaseReceive() {
    LongPollBudget budget = new LongPollBudget();
    budget.join(4);
    budget.join(4);
    assertThat(budget.openBase(4)).isCompletedWithValue(true);
    // 1 open, 1 base not open now: 2 extras fit, a third would take the other consumer's place
    assertThat(budget.tryOpenExtra(4)).isTrue();
    assertThat(budget.tryOpenExtra(4)).isTrue();
    assertThat(budget.tryOpenExtra(4)).isFalse();
    assertThat(budget.openBase(4)).isCompletedWithValue(true);
    assertThat(budget.open()).isEqualTo(4);
    budget.closeExtra();
    assertThat(budget.open()).isEqualTo(3);
    assertThat(budget.tryOpenExtra(4)).isTrue();
  }

  @Test
  void aConsumerJoiningWhileExtrasFillTheBudget_getsItsBaseReceiveWhenOneEnds() {
    LongPollBudget budget = new LongPollBudget();
    budget.join(2);
    assertThat(budget.openBase(2)).isCompletedWithValue(true);
    assertThat(budget.tryOpenExtra(2)).isTrue();
    assertThat(budget.join(2)).isTrue();

    CompletableFuture<Boolean> waiting = budget.openBase(2);
    assertThat(waiting).isNotDone();
    assertThat(budget.tryOpenExtra(2)).isFalse();
    budget.closeExtra();
    assertThat(waiting).isCompletedWithValue(true);
    assertThat(budget.open()).isEqualTo(2);
  }

  @Test
  void anAbandonedBaseReceive_completesFalse_andTakesNoPlace() {
    LongPollBudget budget = new LongPollBudget();
    budget.join(1);
    assertThat(budget.openBase(1)).isCompletedWithValue(true);
    CompletableFuture<Boolean> waiting = budget.openBase(1);
    budget.abandon(waiting);
    assertThat(waiting).isCompletedWithValue(false);
    budget.closeBase();
    assertThat(budget.open()).isZero();
  }
}
