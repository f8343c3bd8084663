/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The BOM a user imports names every library artifact, at the build's version. */
class BomTest {

  private static final Pattern ARTIFACT =
      Pattern.compile("<artifactId>(sqsx-[a-z-]+)</artifactId>");
  private static final Pattern VERSION = Pattern.compile("<version>([^<$]+)</version>");

  @Test
  void listsEveryLibraryModule_atTheParentsVersion() throws IOException {
    String bom = Files.readString(Path.of("..", "bom", "pom.xml"));
    String parent = Files.readString(Path.of("..", "pom.xml"));

    assertThat(all(ARTIFACT, bom))
        .containsExactlyInAnyOrder(
            "sqsx-bom",
            "sqsx-extended-client",
            "sqsx-consumer-runtime",
            "sqsx-idempotency",
            "sqsx-lambda",
            "sqsx-sns",
            "sqsx-tracing",
            "sqsx-request-response",
            "sqsx-spring-boot-starter",
            "sqsx-testing");
    assertThat(first(VERSION, bom)).isEqualTo(first(VERSION, parent));
  }

  private static List<String> all(Pattern pattern, String text) {
    return pattern.matcher(text).results().map(m -> m.group(1)).toList();
  }

  private static String first(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    assertThat(matcher.find()).isTrue();
    return matcher.group(1);
  }
}
