/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DynaliteInstallTest {

  @Test
  void majorOf_readsNodeVersionAnswers() {
    assertThat(DynaliteInstall.majorOf("v20.20.2")).isEqualTo(20);
    assertThat(DynaliteInstall.majorOf("18.1.0")).isEqualTo(18);
    assertThat(DynaliteInstall.majorOf("v22")).isEqualTo(22);
    assertThat(DynaliteInstall.majorOf("not a version")).isEqualTo(-1);
  }

  @Test
  void pinnedVersion_isTheExactVersionOfPackageJson() {
    assertThat(DynaliteInstall.pinnedVersion()).isEqualTo("4.0.0");
  }

  @Test
  void requireNode_withoutNode_failsAtOnce_sayingWhatToInstall() {
    String before = System.getProperty("sqsx.node");
    System.setProperty("sqsx.node", "/nonexistent/sqsx-test/node");
    try {
      assertThatThrownBy(DynaliteInstall::requireNode)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("needs Node.js 20 or newer with npm")
          .hasMessageContaining("'/nonexistent/sqsx-test/node --version' failed")
          .hasMessageContaining("Install Node.js")
          .hasMessageContaining("sqsx.aws.mode=endpoint, localstack or aws");
    } finally {
      restore("sqsx.node", before);
    }
  }

  @Test
  void directory_defaultsToTheUsersCache_namedByTheLockfilesHash() {
    String before = System.getProperty("sqsx.dynalite.dir");
    System.clearProperty("sqsx.dynalite.dir");
    try {
      Path dir = DynaliteInstall.directory();
      if (System.getenv("SQSX_DYNALITE_DIR") == null) {
        assertThat(dir.getParent())
            .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "sqsx"));
        assertThat(dir.getFileName().toString()).matches("dynalite-[0-9a-f]{12}");
      }
      System.setProperty("sqsx.dynalite.dir", "/tmp/sqsx-own-dynalite");
      assertThat(DynaliteInstall.directory()).isEqualTo(Path.of("/tmp/sqsx-own-dynalite"));
    } finally {
      restore("sqsx.dynalite.dir", before);
    }
  }

  @Test
  void run_aFailingCommand_saysItsExitCodeAndOutput() {
    assertThatThrownBy(
            () ->
                DynaliteInstall.run(
                    java.util.List.of("sh", "-c", "echo boom; exit 3"), Path.of("."), 10))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with 3")
        .hasMessageEndingWith("boom");
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }
}
