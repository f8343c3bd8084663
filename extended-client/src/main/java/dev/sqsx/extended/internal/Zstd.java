/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Zstandard streams from {@code com.github.luben:zstd-jni} (an optional dependency: JNI, with the
 * native library for each common platform inside its jar), reached by reflection: its jar has no
 * module name of its own, and requiring it by its file name would tie this module to that name.
 * Frames are written at level 3 with their checksum (of the decompressed bytes), which the reader
 * checks. Used only once {@link BodyCodec} found the library loadable.
 */
final class Zstd {

  private static final String PACKAGE = "com.github.luben.zstd.";
  private static final int LEVEL = 3;

  private static final MethodHandle OUTPUT =
      constructor(
          "ZstdOutputStream", MethodType.methodType(void.class, OutputStream.class, int.class));
  private static final MethodHandle CHECKSUM = checksum();
  private static final MethodHandle INPUT =
      constructor("ZstdInputStream", MethodType.methodType(void.class, InputStream.class));

  private Zstd() {}

  static OutputStream compressing(OutputStream out) throws IOException {
    try {
      OutputStream zstd = (OutputStream) OUTPUT.invoke(out, LEVEL);
      CHECKSUM.invoke(zstd, true);
      return zstd;
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException(e);
    }
  }

  static InputStream decompressing(InputStream in) throws IOException {
    try {
      return (InputStream) INPUT.invoke(in);
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException(e);
    }
  }

  /**
   * Loads the library's native code.
   *
   * @throws LinkageError or a reflective exception when the library or its native code for this
   *     platform is missing
   */
  static void load() throws ReflectiveOperationException {
    Class.forName(PACKAGE + "util.Native", true, Zstd.class.getClassLoader())
        .getMethod("load")
        .invoke(null);
  }

  private static MethodHandle constructor(String simpleName, MethodType type) {
    try {
      return MethodHandles.publicLookup().findConstructor(type(simpleName), type);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "zstd needs " + BodyCodec.ZSTD_LIBRARY + " on the class path: " + e, e);
    }
  }

  private static MethodHandle checksum() {
    try {
      Class<?> output = type("ZstdOutputStream");
      return MethodHandles.publicLookup()
          .findVirtual(output, "setChecksum", MethodType.methodType(output, boolean.class));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "zstd needs " + BodyCodec.ZSTD_LIBRARY + " on the class path: " + e, e);
    }
  }

  private static Class<?> type(String simpleName) throws ClassNotFoundException {
    return Class.forName(PACKAGE + simpleName, true, Zstd.class.getClassLoader());
  }
}
