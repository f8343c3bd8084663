/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.internal;

/** Keeps the emulators' own logging quiet unless the user configured it. */
final class Quiet {

  private Quiet() {}

  /** ElasticMQ runs on Pekko, whose default level is INFO; WARNING unless set explicitly. */
  static void pekko() {
    setIfAbsent("pekko.loglevel", "WARNING");
    setIfAbsent("pekko.stdout-loglevel", "WARNING");
    setIfAbsent("pekko.log-dead-letters", "off");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
