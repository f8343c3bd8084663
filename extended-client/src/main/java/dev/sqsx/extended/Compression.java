/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import java.util.Optional;

/**
 * The encodings a sqsx client may compress message bodies with ({@code compression(...)} on the
 * extended clients' builders). A compressed message carries the String attribute {@value
 * #ATTRIBUTE} naming its encoding; its body is the compressed bytes in base64 when it goes inline,
 * and a pointer when it is offloaded (the store then holds the compressed bytes themselves). Every
 * sqsx reader decompresses such a message; AWS's libraries cannot read it.
 */
public enum Compression {
  /** gzip (RFC 1952), from the JDK; its CRC-32 covers the decompressed bytes. */
  GZIP("gzip"),
  /**
   * Zstandard (RFC 8878), from {@code com.github.luben:zstd-jni} (JNI; an optional dependency the
   * application adds, whose jar carries the native library for Linux, macOS, Windows and more);
   * level 3, frames carry a checksum of the decompressed bytes.
   */
  ZSTD("zstd");

  /**
   * The message attribute that marks a compressed body and names its encoding ({@code gzip} or
   * {@code zstd}); counted in the message's size like any attribute.
   */
  public static final String ATTRIBUTE = "sqsx.ContentEncoding";

  private final String encoding;

  Compression(String encoding) {
    this.encoding = encoding;
  }

  /** The value of {@value #ATTRIBUTE} for this encoding. */
  public String encoding() {
    return encoding;
  }

  /** The compression an attribute value names, or empty for a value sqsx does not know. */
  public static Optional<Compression> ofEncoding(String encoding) {
    for (Compression compression : values()) {
      if (compression.encoding.equals(encoding)) {
        return Optional.of(compression);
      }
    }
    return Optional.empty();
  }
}
