/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.idempotency.IdempotentHandler;
import dev.sqsx.testing.EmbeddedAws;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries hold: each library's module exports its public package only, and no source
 * file of the project (main or test, module or not) imports another module's {@code internal}
 * package — but for a qualified export (consumer-runtime's settlement core to sqsx-lambda).
 */
class ModuleBoundariesTest {

  private static final Pattern INTERNAL_IMPORT =
      Pattern.compile("^import (?:static )?dev\\.sqsx\\.(\\w+)\\.internal\\.", Pattern.MULTILINE);

  @Test
  void eachLibraryModule_exportsItsPublicPackageOnly() throws Exception {
    assertModule(SqsExtendedClient.class, "dev.sqsx.extended");
    assertModule(SqsConsumer.class, "dev.sqsx.consumer");
    assertModule(IdempotentHandler.class, "dev.sqsx.idempotency");
    assertModule(dev.sqsx.sns.SnsExtendedClient.class, "dev.sqsx.sns");
    assertModule(dev.sqsx.tracing.SqsxTracing.class, "dev.sqsx.tracing");
    assertModule(dev.sqsx.requests.SqsRequester.class, "dev.sqsx.requests");
  }

  @Test
  void testingAndLambda_haveStableAutomaticModuleNames() throws Exception {
    ModuleDescriptor testing = descriptorOf(EmbeddedAws.class);
    assertThat(testing.name()).isEqualTo("dev.sqsx.testing");
    assertThat(testing.isAutomatic()).isTrue();
    ModuleDescriptor lambda = descriptorOf(dev.sqsx.lambda.LambdaConsumer.class);
    assertThat(lambda.name()).isEqualTo("dev.sqsx.lambda");
    assertThat(lambda.isAutomatic()).isTrue();
  }

  @Test
  void noSourceFile_importsAnotherModulesInternalPackage() throws Exception {
    // an internal package exported to a named module on purpose (consumer-runtime's settlement
    // core, to sqsx-lambda) may be imported by that module: "lambda -> consumer"
    Set<String> sanctioned = new java.util.HashSet<>();
    for (ModuleDescriptor.Exports export : descriptorOf(SqsConsumer.class).exports()) {
      for (String target : export.targets()) {
        sanctioned.add(
            target.substring("dev.sqsx.".length())
                + " -> "
                + export.source().substring("dev.sqsx.".length()).replaceFirst("\\..*", ""));
      }
    }
    assertThat(sanctioned).as("qualified exports").containsExactly("lambda -> consumer");
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> violations = new ArrayList<>();
    int files = 0;
    try (Stream<Path> sources = Files.walk(root)) {
      for (Path file :
          sources
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> p.toString().contains("/src/"))
              .filter(p -> !p.toString().contains("/target/"))
              .collect(Collectors.toList())) {
        files++;
        String own = packageRoot(Files.readString(file));
        Matcher imports = INTERNAL_IMPORT.matcher(Files.readString(file));
        while (imports.find()) {
          if (!imports.group(1).equals(own)
              && !sanctioned.contains(own + " -> " + imports.group(1))) {
            violations.add(root.relativize(file) + " imports dev.sqsx." + imports.group(1));
          }
        }
      }
    }
    assertThat(files).as("source files scanned").isGreaterThan(200);
    assertThat(violations).isEmpty();
  }

  private static void assertModule(Class<?> type, String name) throws Exception {
    ModuleDescriptor module = descriptorOf(type);
    assertThat(module.name()).isEqualTo(name);
    assertThat(module.isAutomatic()).isFalse();
    Set<String> exported =
        module.exports().stream()
            .filter(export -> !export.isQualified())
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toSet());
    assertThat(exported).containsExactly(name);
    assertThat(module.packages())
        .allMatch(pkg -> pkg.equals(name) || pkg.equals(name + ".internal"));
  }

  private static ModuleDescriptor descriptorOf(Class<?> type) throws URISyntaxException {
    Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    return ModuleFinder.of(location).findAll().iterator().next().descriptor();
  }

  /** The module a file belongs to by its package: {@code dev.sqsx.<module>...}. */
  private static String packageRoot(String source) {
    Matcher pkg =
        Pattern.compile("^package dev\\.sqsx\\.(\\w+)", Pattern.MULTILINE).matcher(source);
    return pkg.find() ? pkg.group(1) : "";
  }
}
