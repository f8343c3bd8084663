/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What to run. Defaults fit 15 minutes on 2 cores; {@code --quick} fits 2.
 *
 * @param quick the small configuration
 * @param messages most messages per consumer run (20,000; quick 2,000)
 * @param repetitions measured runs per cell, after one warm-up run per contender (5; quick 1)
 * @param concurrencies handler concurrencies of the consumer scenario
 * @param works simulated handler work per message
 * @param payloadSizes payload sizes of the large-payload scenario, in bytes
 * @param flood the noisy tenant's messages in the noisy-neighbour scenario (10,000; quick 2,000);
 *     each of the 9 quiet tenants sends a hundredth of it
 * @param out where results go
 * @param only the one scenario to run, or null for all
 */
record Options(
    boolean quick,
    int messages,
    int repetitions,
    List<Integer> concurrencies,
    List<Duration> works,
    List<Integer> payloadSizes,
    int flood,
    Path out,
    String only) {

  /**
   * Whether a scenario ({@code consumer}, {@code payloads}, {@code idempotency}, {@code requests},
   * {@code idle}, {@code noisy}, {@code compression}) runs.
   */
  boolean runs(String scenario) {
    return only == null || only.equals(scenario);
  }

  static final String USAGE =
      String.join(
          "\n",
          "usage: Benchmarks [--quick] [--messages N] [--repetitions N] [--out DIR] [--only S]",
          "  --quick          small run (under 2 minutes): 2,000 messages, concurrency 4 and 16,",
          "                   1 repetition, payloads 300 KB / 900 KB / 1 MB / 5 MB, flood 2,000",
          "  --messages N     most messages per consumer run (default 20,000)",
          "  --repetitions N  measured repetitions per cell, median and range reported (default 5)",
          "  --out DIR        where the Markdown and CSV results go (default benchmarks/results)",
          "  --only S         one scenario: consumer, payloads, idempotency, requests, idle, noisy or",
          "                   compression",
          "  --flood N        the noisy tenant's messages (default 10,000; quiet ones 1/100 each)",
          "  --concurrency L  the consumer scenario's concurrencies, e.g. 16,64 (default 1,4,16,64)",
          "  --work L         the consumer scenario's handler work in ms, e.g. 0 (default 0,5)");

  private static final int KB = 1024;
  private static final int MB = 1024 * 1024;

  static Options parse(String[] args) {
    boolean quick = false;
    Integer messages = null;
    Integer repetitions = null;
    Path out = null;
    String only = null;
    List<Integer> concurrencies = null;
    List<Duration> works = null;
    Integer flood = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--messages" -> messages = positive(args, ++i);
        case "--repetitions" -> repetitions = positive(args, ++i);
        case "--out" -> out = Path.of(value(args, ++i));
        case "--only" -> only = scenario(value(args, ++i));
        case "--concurrency" -> concurrencies = list(args, ++i, 1);
        case "--flood" -> flood = positive(args, ++i);
        case "--work" -> works = list(args, ++i, 0).stream().map(Duration::ofMillis).toList();
        case "--help", "-h" -> throw new IllegalArgumentException("help");
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (out == null) {
      Path module = Path.of("benchmarks");
      out = (java.nio.file.Files.isDirectory(module) ? module : Path.of(".")).resolve("results");
    }
    return new Options(
        quick,
        messages != null ? messages : quick ? 2_000 : 20_000,
        repetitions != null ? repetitions : quick ? 1 : 5,
        concurrencies != null ? concurrencies : quick ? List.of(4, 16) : List.of(1, 4, 16, 64),
        works != null ? works : List.of(Duration.ZERO, Duration.ofMillis(5)),
        quick
            ? List.of(300 * KB, LargePayloads.INLINE_AT_1_MIB, MB, 5 * MB)
            : List.of(300 * KB, LargePayloads.INLINE_AT_1_MIB, MB, 5 * MB, 10 * MB),
        flood != null ? flood : quick ? 2_000 : 10_000,
        out,
        only);
  }

  private static String scenario(String value) {
    if (!List.of("consumer", "payloads", "idempotency", "requests", "idle", "noisy", "compression")
        .contains(value)) {
      throw new IllegalArgumentException(
          "--only must be consumer, payloads, idempotency, requests, idle, noisy or compression,"
              + " was "
              + value);
    }
    return value;
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  /** A comma-separated list of whole numbers, each at least {@code min}. */
  private static List<Integer> list(String[] args, int i, int min) {
    String value = value(args, i);
    try {
      List<Integer> numbers =
          java.util.Arrays.stream(value.split(",", -1))
              .map(String::trim)
              .map(Integer::valueOf)
              .toList();
      if (numbers.stream().allMatch(n -> n >= min)) {
        return numbers;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        args[i - 1] + " must be a comma-separated list of numbers >= " + min + ", was " + value);
  }

  private static int positive(String[] args, int i) {
    String value = value(args, i);
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(args[i - 1] + " must be a positive number, was " + value);
  }
}
