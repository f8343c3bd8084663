/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PipelineInvariantsTest {

  private static Map<Integer, Integer> eachOnce(int orders, int... except) {
    Map<Integer, Integer> effects = new HashMap<>();
    for (int order = 0; order < orders; order++) {
      effects.put(order, 1);
    }
    for (int order : except) {
      effects.remove(order);
    }
    return effects;
  }

  @Test
  void everyOrderOnce_poisonInTheDlq_nothingLeft_holds() {
    var outcome = new PipelineInvariants.Outcome(5, eachOnce(5, 3), Set.of(3), Set.of(3), 0, 0, 0);

    assertThat(PipelineInvariants.violations(outcome)).isEmpty();
  }

  @Test
  void anEffectAppliedTwice_isAViolation() {
    Map<Integer, Integer> effects = eachOnce(5, 3);
    effects.put(2, 2);

    assertThat(
            PipelineInvariants.violations(
                new PipelineInvariants.Outcome(5, effects, Set.of(3), Set.of(3), 0, 0, 0)))
        .containsExactly("order 2 applied 2 times");
  }

  @Test
  void anOrderAppliedAndDeadLettered_isAViolation() {
    var outcome = new PipelineInvariants.Outcome(3, eachOnce(3), Set.of(2), Set.of(2), 0, 0, 0);

    assertThat(PipelineInvariants.violations(outcome))
        .containsExactly("order 2 applied and also in the DLQ");
  }

  @Test
  void aLostMessage_isAViolation() {
    var outcome =
        new PipelineInvariants.Outcome(5, eachOnce(5, 1, 3), Set.of(3), Set.of(3), 0, 0, 0);

    assertThat(PipelineInvariants.violations(outcome))
        .containsExactly("order 1 lost: never applied and not in the DLQ");
  }

  @Test
  void poisonNotDeadLettered_validOrderDeadLettered_leftoverPayloadsAndMessages_areViolations() {
    var outcome = new PipelineInvariants.Outcome(4, eachOnce(4, 0), Set.of(0), Set.of(1), 2, 1, 3);

    assertThat(PipelineInvariants.violations(outcome))
        .containsExactly(
            "order 0 dead-lettered but it was valid",
            "order 1 is poison but not in the DLQ",
            "2 payload(s) left in S3/DynamoDB, but dead-lettered messages need 1",
            "3 message(s) still in the queue");
  }
}
