/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerSinkTest {

  @Test
  void counts_andTimings_reachTheirMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerSink sink = new MicrometerSink(registry, "https://sqs/000/orders");

    for (int i = 0; i < 100; i++) {
      sink.count("received", 1);
      sink.time("handler", "success", 5, TimeUnit.MILLISECONDS);
    }

    assertThat(registry.get("sqsx.consumer.received").tag("queue", "orders").counter().count())
        .isEqualTo(100.0);
    assertThat(registry.get("sqsx.consumer.handler").timer().count()).isEqualTo(100);
    assertThat(registry.getMeters()).hasSize(2);
  }
}
