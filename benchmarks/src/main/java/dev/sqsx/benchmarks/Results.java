/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Every repetition's figures, and their medians. */
final class Results {

  private record Key(String scenario, String contender, String params) {}

  private final Map<Key, Map<String, List<Double>>> values = new LinkedHashMap<>();

  synchronized void add(
      String scenario, String contender, String params, Map<String, Double> metrics) {
    Map<String, List<Double>> byMetric =
        values.computeIfAbsent(new Key(scenario, contender, params), k -> new LinkedHashMap<>());
    metrics.forEach(
        (metric, value) -> byMetric.computeIfAbsent(metric, k -> new ArrayList<>()).add(value));
  }

  /** The median of a metric over the repetitions, or NaN when it was not measured. */
  synchronized double median(String scenario, String contender, String params, String metric) {
    Map<String, List<Double>> byMetric = values.get(new Key(scenario, contender, params));
    if (byMetric == null || !byMetric.containsKey(metric)) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(byMetric.get(metric));
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The smallest and largest value of a metric over the repetitions ({NaN, NaN} when none). */
  synchronized double[] range(String scenario, String contender, String params, String metric) {
    Map<String, List<Double>> byMetric = values.get(new Key(scenario, contender, params));
    if (byMetric == null || !byMetric.containsKey(metric)) {
      return new double[] {Double.NaN, Double.NaN};
    }
    List<Double> runs = byMetric.get(metric);
    return new double[] {Collections.min(runs), Collections.max(runs)};
  }

  /** "median (min–max)", or the median alone after a single repetition. */
  String spread(String scenario, String contender, String params, String metric) {
    double median = median(scenario, contender, params, metric);
    double[] range = range(scenario, contender, params, metric);
    if (Double.isNaN(median) || range[0] == range[1]) {
      return format(median);
    }
    return format(median) + " (" + format(range[0]) + "–" + format(range[1]) + ")";
  }

  /** One line per scenario, contender, parameters and metric: the median and every repetition. */
  synchronized void writeCsv(Path file) throws IOException {
    StringBuilder csv =
        new StringBuilder("scenario,contender,parameters,metric,median,repetitions\n");
    values.forEach(
        (key, byMetric) ->
            byMetric.forEach(
                (metric, runs) -> {
                  List<String> each = new ArrayList<>();
                  runs.forEach(v -> each.add(format(v)));
                  csv.append(key.scenario())
                      .append(',')
                      .append(key.contender())
                      .append(",\"")
                      .append(key.params())
                      .append("\",")
                      .append(metric)
                      .append(',')
                      .append(format(median(key.scenario(), key.contender(), key.params(), metric)))
                      .append(",\"")
                      .append(String.join(" ", each))
                      .append("\"\n");
                }));
    Files.writeString(file, csv, StandardCharsets.UTF_8);
  }

  static String format(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    if (Math.abs(value) >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    if (Math.abs(value) >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }

  static String ratio(double numerator, double denominator) {
    if (Double.isNaN(numerator) || Double.isNaN(denominator) || denominator == 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.2f×", numerator / denominator);
  }
}
