package dev.sqsx.extended.internal;

import dev.sqsx.extended.MalformedPointerException;
import dev.sqsx.extended.PayloadPointer;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * Writes and reads pointer bodies, exactly as AWS's extended clients do:
 *
 * <pre>
 * ["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"b","s3Key":"k"}]
 * ["dev.sqsx.PayloadDynamoDbPointer",{"tableName":"t","key":"k"}]
 * </pre>
 *
 * Written compactly; read tolerantly (whitespace, unknown fields, the legacy class name {@code
 * com.amazon.sqs.javamessaging.MessageS3Pointer}). No reflection or polymorphic typing: the class
 * name is matched against a fixed list.
 */
public final class PointerCodec {

  /** Class name AWS's payload-offloading library writes for S3 pointers. */
  public static final String S3_CLASS = "software.amazon.payloadoffloading.PayloadS3Pointer";

  /** Class name the AWS Java extended client 1.x wrote for S3 pointers. */
  public static final String LEGACY_S3_CLASS = "com.amazon.sqs.javamessaging.MessageS3Pointer";

  /** Class name sqsx writes for DynamoDB pointers. */
  public static final String DYNAMODB_CLASS = "dev.sqsx.PayloadDynamoDbPointer";

  private static final JsonNodeParser PARSER = JsonNodeParser.create();

  private PointerCodec() {}

  /** The compact JSON body for a pointer. */
  public static String write(PayloadPointer pointer) {
    StringBuilder json = new StringBuilder(128).append("[\"");
    if (pointer.kind() == PayloadPointer.Kind.S3) {
      json.append(S3_CLASS).append("\",{\"s3BucketName\":");
      string(json, pointer.container()).append(",\"s3Key\":");
    } else {
      json.append(DYNAMODB_CLASS).append("\",{\"tableName\":");
      string(json, pointer.container()).append(",\"key\":");
    }
    return string(json, pointer.key()).append("}]").toString();
  }

  /**
   * Reads a pointer body.
   *
   * @throws MalformedPointerException when the body is not a pointer of a known class
   */
  public static PayloadPointer read(String body) {
    if (body == null || body.isBlank()) {
      throw malformed("the body is empty", null);
    }
    JsonNode root;
    try {
      root = PARSER.parse(body);
    } catch (RuntimeException e) {
      throw malformed("the body is not JSON", e);
    }
    if (!root.isArray() || root.asArray().size() != 2) {
      throw malformed("the body is not a [class, fields] JSON array", null);
    }
    List<JsonNode> parts = root.asArray();
    if (!parts.get(0).isString() || !parts.get(1).isObject()) {
      throw malformed("the body is not a [class, fields] JSON array", null);
    }
    String type = parts.get(0).asString();
    Map<String, JsonNode> fields = parts.get(1).asObject();
    switch (type) {
      case S3_CLASS:
      case LEGACY_S3_CLASS:
        return pointer(PayloadPointer.Kind.S3, fields, "s3BucketName", "s3Key");
      case DYNAMODB_CLASS:
        return pointer(PayloadPointer.Kind.DYNAMODB, fields, "tableName", "key");
      default:
        throw malformed("unknown pointer class '" + printable(type) + "'", null);
    }
  }

  private static PayloadPointer pointer(
      PayloadPointer.Kind kind,
      Map<String, JsonNode> fields,
      String containerField,
      String keyField) {
    return new PayloadPointer(kind, text(fields, containerField), text(fields, keyField));
  }

  private static String text(Map<String, JsonNode> fields, String name) {
    JsonNode value = fields.get(name);
    if (value == null || !value.isString() || value.asString().isEmpty()) {
      throw malformed("the pointer has no '" + name + "' string", null);
    }
    return value.asString();
  }

  private static MalformedPointerException malformed(String reason, Throwable cause) {
    return new MalformedPointerException(
        "message body is not a payload pointer: " + reason, null, null, null, cause);
  }

  /** A class name from the wire, cut and stripped of control characters so it is safe to log. */
  private static String printable(String value) {
    String cut = value.length() > 100 ? value.substring(0, 100) + "..." : value;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  private static StringBuilder string(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"':
          json.append("\\\"");
          break;
        case '\\':
          json.append("\\\\");
          break;
        default:
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
      }
    }
    return json.append('"');
  }
}
