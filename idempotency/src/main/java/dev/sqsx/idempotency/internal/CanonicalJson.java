/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Canonical JSON, in two strengths.
 *
 * <ul>
 *   <li>{@link #sha256} and {@link #at} (idempotency keys): object keys sorted (by UTF-16 code
 *       units, as RFC 8785), no whitespace, strings unescaped and re-escaped the one way Jackson
 *       writes them, numbers kept exactly as written. Unchanged since the first release, so a key
 *       never changes across an upgrade (a changed key would let a redelivery run its effect
 *       again).
 *   <li>{@link #payloadHash} (the payload check): the same, and numbers compared by exact decimal
 *       value, so {@code 1}, {@code 1.0}, {@code 1e0} and {@code 10E-1} hash the same. Not RFC
 *       8785's number form, which rounds to an IEEE double: {@code 12345678901234567890} and {@code
 *       12345678901234567891} stay different here. Prefixed with its scheme ({@value
 *       #PAYLOAD_HASH_SCHEME}) so hashes of another scheme are never compared with it.
 * </ul>
 *
 * A body that is not a JSON object or array is hashed as it is. Parsed and written with
 * jackson-core's streaming API.
 */
public final class CanonicalJson {

  private static final JsonFactory JSON = new JsonFactory();

  /** The scheme prefix of {@link #payloadHash}: numbers by value. */
  public static final String PAYLOAD_HASH_SCHEME = "v2:";

  /** A JSON number, kept exactly as it was written. */
  private record RawNumber(String text) {}

  /** JSON {@code null} in the tree (a Java null means "nothing there"). */
  private static final Object NULL = new Object();

  private CanonicalJson() {}

  /** Hex SHA-256 of the canonical form of a body (of the body itself when it is not JSON). */
  public static String sha256(String body) {
    return sha256Hex(canonical(body).orElse(body));
  }

  /**
   * The payload's hash for the payload check: {@value #PAYLOAD_HASH_SCHEME} and the hex SHA-256 of
   * the canonical form with numbers by value (of the body itself when it is not JSON).
   */
  public static String payloadHash(String body) {
    Object tree = parse(body);
    return PAYLOAD_HASH_SCHEME + sha256Hex(tree == null ? body : write(tree, true));
  }

  /**
   * The scheme of a payload hash: {@value #PAYLOAD_HASH_SCHEME}, or empty for hashes written before
   * schemes (numbers as written).
   */
  public static String schemeOf(String payloadHash) {
    int colon = payloadHash.indexOf(':');
    return colon < 0 ? "" : payloadHash.substring(0, colon + 1);
  }

  /** The canonical form (numbers as written), or empty when the body is not JSON. */
  public static Optional<String> canonical(String body) {
    Object tree = parse(body);
    return tree == null ? Optional.empty() : Optional.of(write(tree, false));
  }

  /**
   * The value at a JSON pointer ({@code /order/id}, RFC 6901) as text: strings as they are, other
   * values in canonical form. Empty when the body is not JSON or nothing is there.
   */
  public static Optional<String> at(String body, String pointer) {
    Object node = parse(body);
    if (node == null) {
      return Optional.empty();
    }
    for (String token : pointer.substring(1).split("/", -1)) {
      String name = token.replace("~1", "/").replace("~0", "~");
      if (node instanceof Map<?, ?> object) {
        node = object.get(name);
      } else if (node instanceof List<?> array
          && name.matches("\\d{1,9}")
          && Integer.parseInt(name) < array.size()) {
        node = array.get(Integer.parseInt(name));
      } else {
        return Optional.empty();
      }
      if (node == null || node == NULL) {
        return Optional.empty();
      }
    }
    return Optional.of(node instanceof String text ? text : write(node, false));
  }

  /** The tree of a JSON object or array; null when the body is not one. */
  private static Object parse(String body) {
    if (body == null) {
      return null;
    }
    String trimmed = body.trim();
    if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) {
      return null;
    }
    try (JsonParser parser = JSON.createParser(trimmed)) {
      Object tree = read(parser, parser.nextToken());
      return parser.nextToken() == null ? tree : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static Object read(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT:
        Map<String, Object> object = new TreeMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          object.put(name, read(parser, parser.nextToken()));
        }
        return object;
      case START_ARRAY:
        List<Object> array = new ArrayList<>();
        for (JsonToken next = parser.nextToken();
            next != JsonToken.END_ARRAY;
            next = parser.nextToken()) {
          array.add(read(parser, next));
        }
        return array;
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return new RawNumber(parser.getText());
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return NULL;
      default:
        throw new IOException("unexpected " + token);
    }
  }

  private static String write(Object tree, boolean numbersByValue) {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = JSON.createGenerator(out)) {
      write(tree, generator, numbersByValue);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write JSON to a string", e);
    }
    return out.toString();
  }

  private static void write(Object node, JsonGenerator out, boolean numbersByValue)
      throws IOException {
    if (node instanceof Map<?, ?> object) {
      out.writeStartObject();
      for (Map.Entry<?, ?> field : object.entrySet()) {
        out.writeFieldName((String) field.getKey());
        write(field.getValue(), out, numbersByValue);
      }
      out.writeEndObject();
    } else if (node instanceof List<?> array) {
      out.writeStartArray();
      for (Object item : array) {
        write(item, out, numbersByValue);
      }
      out.writeEndArray();
    } else if (node instanceof String text) {
      out.writeString(text);
    } else if (node instanceof RawNumber number) {
      out.writeNumber(numbersByValue ? byValue(number.text()) : number.text());
    } else if (node instanceof Boolean bool) {
      out.writeBoolean(bool);
    } else {
      out.writeNull();
    }
  }

  /**
   * A number's exact decimal value in one form: {@code 1.0}, {@code 1e0} and {@code 10E-1} all give
   * {@code 1}; {@code 100} gives {@code 1E+2}. Scientific, so no exponent expands into a long text.
   */
  private static String byValue(String text) {
    try {
      BigDecimal value = new BigDecimal(text);
      return value.signum() == 0 ? "0" : value.stripTrailingZeros().toString();
    } catch (NumberFormatException | ArithmeticException e) {
      return text; // an exponent beyond BigDecimal's range: compared as written
    }
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
