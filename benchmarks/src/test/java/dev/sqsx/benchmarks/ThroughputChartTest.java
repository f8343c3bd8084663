/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class ThroughputChartTest {

  private static Results results() {
    Results results = new Results();
    for (Duration work : List.of(Duration.ZERO, Duration.ofMillis(5))) {
      for (int concurrency : List.of(1, 4)) {
        for (String contender : List.of("sqsx", "sqsx-async", "sdk-loop", "spring-cloud-aws")) {
          for (double value :
              List.of(100.0 * concurrency, 120.0 * concurrency, 90.0 * concurrency)) {
            results.add(
                ConsumerThroughput.NAME,
                contender,
                ConsumerThroughput.params(concurrency, work),
                Map.of("messages_per_second", value));
          }
        }
      }
    }
    return results;
  }

  @Test
  void spread_isTheMedianWithItsRange() {
    assertThat(
            results()
                .spread(
                    ConsumerThroughput.NAME,
                    "sqsx",
                    ConsumerThroughput.params(4, Duration.ZERO),
                    "messages_per_second"))
        .isEqualTo("400 (360–480)");
  }

  @Test
  void svg_isWellFormed_withALinePerContenderPerPanel_andARangePerPoint() throws Exception {
    String svg =
        ThroughputChart.svg(results(), List.of(Duration.ZERO, Duration.ofMillis(5)), List.of(1, 4));

    Document document =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertThat(document.getDocumentElement().getNodeName()).isEqualTo("svg");
    assertThat(document.getElementsByTagName("path").getLength()).isEqualTo(2 * 4);
    assertThat(document.getElementsByTagName("circle").getLength()).isEqualTo(2 * 4 * 2);
    assertThat(svg).contains("handler work 0 ms", "handler work 5 ms", "sdk-loop", "sqsx-async");
  }

  @Test
  void niceCeiling_roundsUpToOneTwoOrFive() {
    assertThat(ThroughputChart.niceCeiling(13_171)).isEqualTo(20_000);
    assertThat(ThroughputChart.niceCeiling(4_000)).isEqualTo(5_000);
    assertThat(ThroughputChart.niceCeiling(0)).isEqualTo(1);
  }
}
