package dev.sqsx.extended.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hex digests of UTF-8 strings and bytes. */
public final class Digests {

  private Digests() {}

  /** Lower-case hex SHA-256 of the string's UTF-8 bytes (64 characters). */
  public static String sha256Hex(String value) {
    return sha256Hex(value.getBytes(StandardCharsets.UTF_8));
  }

  /** Lower-case hex SHA-256 of bytes (64 characters). */
  public static String sha256Hex(byte[] bytes) {
    return hex("SHA-256", bytes);
  }

  /** Lower-case hex MD5 of the string's UTF-8 bytes, as SQS reports {@code MD5OfBody}. */
  public static String md5Hex(String value) {
    return hex("MD5", value.getBytes(StandardCharsets.UTF_8));
  }

  private static String hex(String algorithm, byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required of every JVM", e);
    }
  }
}
