/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.internal;

import java.net.URI;

/** One emulator running in this JVM. */
public interface EmbeddedServer extends AutoCloseable {

  /** The endpoint clients connect to, on 127.0.0.1. */
  URI endpoint();

  /** Stops the server; calling it again does nothing. */
  @Override
  void close();
}
