/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.internal;

/** Writing JSON strings by hand, for the documents the test endpoints build (no JSON library). */
public final class Json {

  private Json() {}

  /** Appends {@code value} as a quoted, escaped JSON string. */
  public static StringBuilder quote(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"');
  }

  /** Appends {@code "name":"value"} ({@code null} unquoted when the value is null). */
  public static StringBuilder field(StringBuilder json, String name, String value) {
    quote(json, name).append(':');
    return value == null ? json.append("null") : quote(json, value);
  }
}
