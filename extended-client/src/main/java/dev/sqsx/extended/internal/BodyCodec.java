/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import dev.sqsx.extended.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Compresses and decompresses bodies: gzip from the JDK, zstd from {@code
 * com.github.luben:zstd-jni} when it is on the class path (and its native code loads here).
 * Decompression stops at a hard output limit, so a small body cannot expand into more memory than
 * the caller allows (a "zip bomb" fails after {@code limit} bytes).
 */
public final class BodyCodec {

  /** What a user must add to use (or read) zstd. */
  public static final String ZSTD_LIBRARY = "com.github.luben:zstd-jni";

  private static final int CHUNK = 64 * 1024;

  private static volatile Boolean zstdPresent;
  private static volatile String zstdProblem = "";

  private BodyCodec() {}

  /**
   * Whether zstd can be used: the optional library is on the class path and its native code loads
   * on this platform (checked once).
   */
  public static boolean zstdAvailable() {
    Boolean present = zstdPresent;
    if (present == null) {
      try {
        Zstd.load();
        present = true;
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        zstdProblem = " (" + cause + ")";
        present = false;
      }
      zstdPresent = present;
    }
    return present;
  }

  /** The bytes compressed with {@code compression}. */
  public static byte[] compress(Compression compression, byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, bytes.length / 4));
    try (OutputStream compressing = compressing(compression, out)) {
      compressing.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static OutputStream compressing(Compression compression, OutputStream out)
      throws IOException {
    switch (compression) {
      case GZIP:
        return new GZIPOutputStream(out, CHUNK);
      case ZSTD:
        requireZstd();
        return Zstd.compressing(out);
      default:
        throw new IllegalArgumentException("unknown compression " + compression);
    }
  }

  /**
   * The bytes decompressed, at most {@code limit} of them.
   *
   * @throws Refused when the bytes are not a valid stream of that encoding, when the library for it
   *     is missing, or when they decompress to more than {@code limit} bytes; its message says
   *     which (never the bytes)
   */
  public static byte[] decompress(Compression compression, byte[] compressed, long limit) {
    if (compression == Compression.ZSTD && !zstdAvailable()) {
      throw new Refused(missingZstd("cannot decompress a zstd body"));
    }
    ByteArrayOutputStream out =
        new ByteArrayOutputStream((int) Math.min(limit, Math.max(CHUNK, compressed.length * 4L)));
    byte[] chunk = new byte[CHUNK];
    long total = 0;
    try (InputStream in = decompressing(compression, new ByteArrayInputStream(compressed))) {
      int read;
      while ((read = in.read(chunk)) != -1) {
        total += read;
        if (total > limit) {
          throw new Refused(
              "the "
                  + compression.encoding()
                  + " body ("
                  + compressed.length
                  + " compressed bytes) decompresses to more than maxPayloadSize, "
                  + limit
                  + " bytes; refused without decompressing further");
        }
        out.write(chunk, 0, read);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof Refused refused) {
        throw refused;
      }
      throw new Refused(
          "the body is not a valid " + compression.encoding() + " stream (" + e + ")", e);
    }
    return out.toByteArray();
  }

  private static InputStream decompressing(Compression compression, InputStream in)
      throws IOException {
    switch (compression) {
      case GZIP:
        return new GZIPInputStream(in, CHUNK);
      case ZSTD:
        return Zstd.decompressing(in);
      default:
        throw new IllegalArgumentException("unknown compression " + compression);
    }
  }

  /**
   * Fails when zstd is chosen without its library.
   *
   * @throws IllegalStateException naming the library to add
   */
  public static void requireZstd() {
    if (!zstdAvailable()) {
      throw new IllegalStateException(missingZstd("compression ZSTD"));
    }
  }

  private static String missingZstd(String what) {
    return what
        + " needs "
        + ZSTD_LIBRARY
        + " on the class path, with native code for this platform (an optional dependency of"
        + " sqsx-extended-client); add it, or use GZIP (in the JDK)"
        + zstdProblem;
  }

  /** A body that cannot be decompressed; the message says why, never what the body holds. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }

    Refused(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
