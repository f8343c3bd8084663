package dev.sqsx.idempotency.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
 * Canonical JSON: object keys sorted, no whitespace, so {@code {"b":1,"a":2}} and {@code { "a": 2,
 * "b": 1 }} hash the same. Numbers are kept as written. A body that is not JSON is hashed as it is.
 * Parsed and written with jackson-core's streaming API.
 */
public final class CanonicalJson {

  private static final JsonFactory JSON = new JsonFactory();

  /** A JSON number, kept exactly as it was written. */
  private record RawNumber(String text) {}

  /** JSON {@code null} in the tree (a Java null means "nothing there"). */
  private static final Object NULL = new Object();

  private CanonicalJson() {}

  /** Hex SHA-256 of the canonical form of a body (of the body itself when it is not JSON). */
  public static String sha256(String body) {
    return sha256Hex(canonical(body).orElse(body));
  }

  /** The canonical form, or empty when the body is not JSON. */
  public static Optional<String> canonical(String body) {
    Object tree = parse(body);
    return tree == null ? Optional.empty() : Optional.of(write(tree));
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
    return Optional.of(node instanceof String text ? text : write(node));
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

  private static String write(Object tree) {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = JSON.createGenerator(out)) {
      write(tree, generator);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write JSON to a string", e);
    }
    return out.toString();
  }

  private static void write(Object node, JsonGenerator out) throws IOException {
    if (node instanceof Map<?, ?> object) {
      out.writeStartObject();
      for (Map.Entry<?, ?> field : object.entrySet()) {
        out.writeFieldName((String) field.getKey());
        write(field.getValue(), out);
      }
      out.writeEndObject();
    } else if (node instanceof List<?> array) {
      out.writeStartArray();
      for (Object item : array) {
        write(item, out);
      }
      out.writeEndArray();
    } else if (node instanceof String text) {
      out.writeString(text);
    } else if (node instanceof RawNumber number) {
      out.writeNumber(number.text());
    } else if (node instanceof Boolean bool) {
      out.writeBoolean(bool);
    } else {
      out.writeNull();
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
