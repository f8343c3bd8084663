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
 * Zstandard streams from {@code io.airlift:aircompressor} (an optional dependency), reached by
 * reflection: its jar has no module name of its own, and requiring it by its file name would tie
 * this module to that name. Used only once {@link BodyCodec} found the library on the class path.
 */
final class Zstd {

  private static final MethodHandle OUTPUT = constructor("ZstdOutputStream", OutputStream.class);
  private static final MethodHandle INPUT = constructor("ZstdInputStream", InputStream.class);

  private Zstd() {}

  static OutputStream compressing(OutputStream out) throws IOException {
    try {
      return (OutputStream) OUTPUT.invoke(out);
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException(e);
    }
  }

  static InputStream decompressing(InputStream in) throws IOException {
    try {
      return (InputStream) INPUT.invoke(in);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException(e);
    }
  }

  private static MethodHandle constructor(String simpleName, Class<?> argument) {
    try {
      Class<?> type =
          Class.forName(
              "io.airlift.compress.zstd." + simpleName, true, Zstd.class.getClassLoader());
      return MethodHandles.publicLookup()
          .findConstructor(type, MethodType.methodType(void.class, argument));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "zstd needs " + BodyCodec.ZSTD_LIBRARY + " on the class path: " + e, e);
    }
  }
}
