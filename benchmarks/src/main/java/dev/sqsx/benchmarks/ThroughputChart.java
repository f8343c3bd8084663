/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The consumer scenario as an SVG chart: messages per second against concurrency for the three
 * consumers, one panel per handler time, medians as lines and the repetitions' range as bars.
 */
final class ThroughputChart {

  private static final List<String> CONTENDERS =
      List.of("sqsx", "sqsx-async", "sdk-loop", "spring-cloud-aws");
  private static final List<String> COLOURS = List.of("#d62728", "#ff7f0e", "#1f77b4", "#2ca02c");
  private static final int PANEL_WIDTH = 420;
  private static final int PANEL_HEIGHT = 300;
  private static final int MARGIN = 60;

  private ThroughputChart() {}

  static String svg(Results results, List<Duration> works, List<Integer> concurrencies) {
    int width = works.size() * (PANEL_WIDTH + MARGIN) + MARGIN;
    int height = PANEL_HEIGHT + 2 * MARGIN + 30;
    StringBuilder svg = new StringBuilder();
    svg.append(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                    + " font-family=\"sans-serif\" font-size=\"12\">%n",
                width,
                height))
        .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    for (int w = 0; w < works.size(); w++) {
      panel(svg, results, works.get(w), concurrencies, MARGIN + w * (PANEL_WIDTH + MARGIN));
    }
    for (int c = 0; c < CONTENDERS.size(); c++) {
      int x = MARGIN + c * 160;
      int y = height - 15;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>"
                  + "<text x=\"%d\" y=\"%d\">%s</text>%n",
              x,
              y - 4,
              x + 24,
              y - 4,
              COLOURS.get(c),
              x + 30,
              y,
              CONTENDERS.get(c)));
    }
    return svg.append("</svg>\n").toString();
  }

  private static void panel(
      StringBuilder svg, Results results, Duration work, List<Integer> concurrencies, int left) {
    int top = MARGIN;
    double max = 0;
    for (String contender : CONTENDERS) {
      for (int concurrency : concurrencies) {
        double[] range =
            results.range(
                ConsumerThroughput.NAME,
                contender,
                ConsumerThroughput.params(concurrency, work),
                "messages_per_second");
        if (!Double.isNaN(range[1])) {
          max = Math.max(max, range[1]);
        }
      }
    }
    double ceiling = niceCeiling(max);
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"14\">handler work %d ms: msg/s by concurrency"
                + "</text>%n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#999\"/>%n",
            left,
            top - 20,
            work.toMillis(),
            left,
            top,
            PANEL_WIDTH,
            PANEL_HEIGHT));
    for (int tick = 0; tick <= 4; tick++) {
      double value = ceiling * tick / 4;
      int y = top + PANEL_HEIGHT - (int) (PANEL_HEIGHT * tick / 4.0);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eee\"/>"
                  + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>%n",
              left,
              y,
              left + PANEL_WIDTH,
              y,
              left - 6,
              y + 4,
              value));
    }
    for (int i = 0; i < concurrencies.size(); i++) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
              x(left, i, concurrencies.size()),
              top + PANEL_HEIGHT + 16,
              concurrencies.get(i)));
    }
    for (int c = 0; c < CONTENDERS.size(); c++) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < concurrencies.size(); i++) {
        String params = ConsumerThroughput.params(concurrencies.get(i), work);
        double median =
            results.median(
                ConsumerThroughput.NAME, CONTENDERS.get(c), params, "messages_per_second");
        double[] range =
            results.range(
                ConsumerThroughput.NAME, CONTENDERS.get(c), params, "messages_per_second");
        if (Double.isNaN(median)) {
          continue;
        }
        int x = x(left, i, concurrencies.size()) + (c - 1) * 4;
        line.append(line.length() == 0 ? "M" : " L")
            .append(x)
            .append(',')
            .append(y(top, median, ceiling));
        svg.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\"/>"
                    + "<circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"%s\"/>%n",
                x,
                y(top, range[0], ceiling),
                x,
                y(top, range[1], ceiling),
                COLOURS.get(c),
                x,
                y(top, median, ceiling),
                COLOURS.get(c)));
      }
      svg.append(
          String.format(
              Locale.ROOT,
              "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
              line,
              COLOURS.get(c)));
    }
  }

  private static int x(int left, int index, int count) {
    return left + (int) (PANEL_WIDTH * (index + 0.5) / count);
  }

  private static int y(int top, double value, double ceiling) {
    return top + PANEL_HEIGHT - (int) (PANEL_HEIGHT * Math.min(1, value / ceiling));
  }

  /** 1, 2 or 5 times a power of ten, at least {@code max}. */
  static double niceCeiling(double max) {
    if (max <= 0 || Double.isNaN(max)) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(max)));
    for (double step : new double[] {1, 2, 5, 10}) {
      if (step * power >= max) {
        return step * power;
      }
    }
    return 10 * power;
  }
}
