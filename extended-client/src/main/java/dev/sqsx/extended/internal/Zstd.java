/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import io.airlift.compress.zstd.ZstdInputStream;
import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Zstandard streams from {@code io.airlift:aircompressor} (an optional dependency): this class is
 * loaded only once {@link BodyCodec} found the library on the class path.
 */
final class Zstd {

  private Zstd() {}

  static OutputStream compressing(OutputStream out) throws IOException {
    return new ZstdOutputStream(out);
  }

  static InputStream decompressing(InputStream in) {
    return new ZstdInputStream(in);
  }
}
