package dev.sqsx.idempotency.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * Canonical JSON: object keys sorted, no whitespace, so {@code {"b":1,"a":2}} and {@code { "a": 2,
 * "b": 1 }} hash the same. A body that is not JSON is hashed as it is.
 */
public final class CanonicalJson {

  private static final JsonNodeParser PARSER = JsonNodeParser.create();

  private CanonicalJson() {}

  /** Hex SHA-256 of the canonical form of a body (of the body itself when it is not JSON). */
  public static String sha256(String body) {
    return sha256Hex(canonical(body).orElse(body));
  }

  /** The canonical form, or empty when the body is not JSON. */
  public static Optional<String> canonical(String body) {
    JsonNode node = parse(body);
    if (node == null) {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder(body.length());
    write(node, out);
    return Optional.of(out.toString());
  }

  /**
   * The value at a JSON pointer ({@code /order/id}, RFC 6901) as text: strings as they are, other
   * values in canonical form. Empty when the body is not JSON or nothing is there.
   */
  public static Optional<String> at(String body, String pointer) {
    JsonNode node = parse(body);
    if (node == null) {
      return Optional.empty();
    }
    for (String token : pointer.substring(1).split("/", -1)) {
      String name = token.replace("~1", "/").replace("~0", "~");
      if (node.isObject()) {
        node = node.asObject().get(name);
      } else if (node.isArray()
          && name.matches("\\d+")
          && Integer.parseInt(name) < node.asArray().size()) {
        node = node.asArray().get(Integer.parseInt(name));
      } else {
        return Optional.empty();
      }
      if (node == null || node.isNull()) {
        return Optional.empty();
      }
    }
    if (node.isString()) {
      return Optional.of(node.asString());
    }
    StringBuilder out = new StringBuilder();
    write(node, out);
    return Optional.of(out.toString());
  }

  private static JsonNode parse(String body) {
    if (body == null) {
      return null;
    }
    String trimmed = body.trim();
    if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) {
      return null;
    }
    try {
      return PARSER.parse(trimmed);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void write(JsonNode node, StringBuilder out) {
    if (node.isObject()) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, JsonNode> field : new TreeMap<>(node.asObject()).entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(field.getKey(), out).append(':');
        write(field.getValue(), out);
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      List<JsonNode> items = node.asArray();
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(items.get(i), out);
      }
      out.append(']');
    } else if (node.isString()) {
      string(node.asString(), out);
    } else if (node.isNumber()) {
      out.append(node.asNumber());
    } else if (node.isBoolean()) {
      out.append(node.asBoolean());
    } else {
      out.append("null");
    }
  }

  private static StringBuilder string(String value, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"');
  }

  private static String sha256Hex(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
