/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.LongFunction;

/**
 * A payload's bytes as they arrive: into one array of the declared length, so a download makes no
 * growing copies (the SDK's byte transformers and {@code InputStream.readNBytes} hold about twice
 * the payload while they collect it), and hashed with SHA-256 on the way, while the bytes are in
 * cache. Not thread-safe: one download, one thread at a time (as reactive-streams signals are).
 */
public final class Download {

  private static final int STEP = 256 * 1024;

  private final Long declared;
  private final long limit;
  private final LongFunction<RuntimeException> overLimit;
  private final MessageDigest sha256 = Digests.sha256();
  private byte[] bytes;
  private int size;

  /**
   * A download of {@code declared} bytes (null when the length is not known), at most {@code
   * limit}; more than {@code limit} fails with what {@code overLimit} makes of the size reached.
   */
  public Download(Long declared, long limit, LongFunction<RuntimeException> overLimit) {
    if (declared != null && declared > limit) {
      throw overLimit.apply(declared);
    }
    this.declared = declared;
    this.limit = limit;
    this.overLimit = overLimit;
    this.bytes = new byte[declared != null ? (int) (long) declared : (int) Math.min(limit, STEP)];
  }

  /** Takes the buffer's remaining bytes. */
  public void append(ByteBuffer buffer) {
    int length = buffer.remaining();
    room(length);
    buffer.get(bytes, size, length);
    sha256.update(bytes, size, length);
    size += length;
  }

  /** Reads the stream to its end. */
  public void readAll(InputStream in) throws IOException {
    while (true) {
      if (size == bytes.length) {
        int next = in.read();
        if (next < 0) {
          return;
        }
        room(1);
        bytes[size] = (byte) next;
        sha256.update(bytes, size, 1);
        size++;
        continue;
      }
      int read = in.read(bytes, size, Math.min(STEP, bytes.length - size));
      if (read < 0) {
        return;
      }
      sha256.update(bytes, size, read);
      size += read;
    }
  }

  /**
   * The bytes and their SHA-256.
   *
   * @throws IllegalStateException when fewer bytes came than were declared
   */
  public Downloaded finish() {
    if (declared != null && size != declared) {
      throw new IllegalStateException(
          "the object ended after " + size + " of its " + declared + " declared bytes");
    }
    return new Downloaded(
        size == bytes.length ? bytes : Arrays.copyOf(bytes, size), sha256.digest());
  }

  private void room(int more) {
    long needed = (long) size + more;
    if (needed <= bytes.length) {
      return;
    }
    if (declared != null) {
      throw new IllegalStateException(
          "the object is longer than its " + declared + " declared bytes");
    }
    if (needed > limit) {
      throw overLimit.apply(needed);
    }
    bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(needed, 2L * bytes.length)));
  }

  /** A finished download: the bytes (the array is the caller's) and their SHA-256. */
  public static final class Downloaded {
    private final byte[] bytes;
    private final byte[] sha256;

    Downloaded(byte[] bytes, byte[] sha256) {
      this.bytes = bytes;
      this.sha256 = sha256;
    }

    /** The payload's bytes; not copied. */
    public byte[] bytes() {
      return bytes;
    }

    /** Whether the bytes' SHA-256, in hex, is {@code hex} (either case). */
    public boolean sha256Is(String hex) {
      return HexFormat.of().formatHex(sha256).equalsIgnoreCase(hex);
    }
  }
}
