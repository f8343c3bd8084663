package dev.sqsx.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MicrometerSinkTest {

  @Test
  void meters_areRegisteredOnce_notOnEveryIncrement() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger registrations = new AtomicInteger();
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                registrations.incrementAndGet();
                return id;
              }
            });
    MicrometerSink sink = new MicrometerSink(registry, "https://sqs/000/orders");

    for (int i = 0; i < 100; i++) {
      sink.count("received", 1);
      sink.time("handler", "success", 5, TimeUnit.MILLISECONDS);
    }

    assertThat(registry.get("sqsx.consumer.received").tag("queue", "orders").counter().count())
        .isEqualTo(100.0);
    assertThat(registry.get("sqsx.consumer.handler").timer().count()).isEqualTo(100);
    assertThat(registrations).as("meter lookups through the registry").hasValueLessThanOrEqualTo(4);
  }
}
