/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Rate-limits a repeated warning: the first of a kind is logged, the same kind again within the
 * window is only counted, and the first one after the window is logged with that count ("(12 more
 * like this in the last 30 s)"). The kind is the warning's text with what differs per request
 * (request ids, the SDK's attempt count) taken out. Thread-safe; time comes from an injected
 * millisecond source.
 */
public final class RepeatedWarnings {

  /** How long a warning silences its repeats. */
  public static final long WINDOW_MILLIS = 30_000;

  private static final int MAX_KINDS = 64;
  private static final Pattern REQUEST_ID =
      Pattern.compile(
          "(?i)(request ?id:?\\s*)[\\w-]+|(extended request id:?\\s*)[\\w/+=-]+"
              + "|(attempt count:?\\s*)\\d+");

  private final LongSupplier millis;
  private final Map<String, Window> windows = new HashMap<>();

  private static final class Window {
    long startedAt;
    long suppressed;

    Window(long startedAt) {
      this.startedAt = startedAt;
    }
  }

  /** Warnings timed with {@code millis} (e.g. the consumer's clock). */
  public RepeatedWarnings(LongSupplier millis) {
    this.millis = millis;
  }

  /**
   * Whether to log the warning {@code text} now: null when it is a repeat within the window (it is
   * counted), else the suffix to log it with — empty, or " (N more like this in the last 30 s)".
   */
  public synchronized String check(String text) {
    String kind = REQUEST_ID.matcher(text).replaceAll("$1$2$3…");
    long now = millis.getAsLong();
    Window window = windows.get(kind);
    if (window != null && now - window.startedAt < WINDOW_MILLIS) {
      window.suppressed++;
      return null;
    }
    String suffix =
        window == null || window.suppressed == 0
            ? ""
            : " (" + window.suppressed + " more like this in the last 30 s)";
    if (window == null) {
      if (windows.size() >= MAX_KINDS) {
        windows.values().removeIf(old -> now - old.startedAt >= WINDOW_MILLIS);
      }
      if (windows.size() < MAX_KINDS) {
        windows.put(kind, new Window(now));
      }
    } else {
      window.startedAt = now;
      window.suppressed = 0;
    }
    return suffix;
  }

  /** Forgets every kind (the condition behind them has ended); returns the repeats not logged. */
  public synchronized long reset() {
    long unlogged = windows.values().stream().mapToLong(window -> window.suppressed).sum();
    windows.clear();
    return unlogged;
  }
}
