package dev.sqsx.extended.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hex digests of UTF-8 strings. */
public final class Digests {

  private Digests() {}

  /** Lower-case hex SHA-256 of the string's UTF-8 bytes (64 characters). */
  public static String sha256Hex(String value) {
    return hex("SHA-256", value);
  }

  /** Lower-case hex MD5 of the string's UTF-8 bytes, as SQS reports {@code MD5OfBody}. */
  public static String md5Hex(String value) {
    return hex("MD5", value);
  }

  private static String hex(String algorithm, String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance(algorithm).digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required of every JVM", e);
    }
  }
}
