/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class QueueSettingsTest {

  @Test
  void redrivePolicy_withStringOrNumberCount_isRead() {
    for (String count : new String[] {"\"3\"", "3"}) {
      QueueSettings settings =
          QueueSettings.from(
              Map.of(
                  QueueAttributeName.VISIBILITY_TIMEOUT,
                  "45",
                  QueueAttributeName.REDRIVE_POLICY,
                  "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:1:dlq\",\"maxReceiveCount\":"
                      + count
                      + "}"));

      assertThat(settings.visibilityTimeoutSeconds()).isEqualTo(45);
      assertThat(settings.maxReceiveCount()).contains(3);
      assertThat(settings.deadLetterTargetArn()).contains("arn:aws:sqs:us-east-1:1:dlq");
      assertThat(settings.fifo()).isFalse();
    }
  }

  @Test
  void noPolicy_meansNoCountAndNoDlq() {
    QueueSettings settings =
        QueueSettings.from(
            Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT,
                "30",
                QueueAttributeName.FIFO_QUEUE,
                "true"));

    assertThat(settings.maxReceiveCount()).isEmpty();
    assertThat(settings.deadLetterTargetArn()).isEmpty();
    assertThat(settings.fifo()).isTrue();
  }
}
