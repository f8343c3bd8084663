/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
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
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  /** A new SHA-256 digest, for payloads hashed as their bytes arrive. */
  public static MessageDigest sha256() {
    return digest("SHA-256");
  }

  /** Lower-case hex MD5 of the string's UTF-8 bytes, as SQS reports {@code MD5OfBody}. */
  public static String md5Hex(String value) {
    return md5Hex(value.getBytes(StandardCharsets.UTF_8));
  }

  /** Lower-case hex MD5 of UTF-8 bytes, as SQS reports {@code MD5OfBody} of their string. */
  public static String md5Hex(byte[] utf8) {
    return HexFormat.of().formatHex(digest("MD5").digest(utf8));
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required of every JVM", e);
    }
  }
}
