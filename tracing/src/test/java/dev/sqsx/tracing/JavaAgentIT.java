/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * sqsx under the OpenTelemetry Java agent (2.31.1, which instruments the AWS SDK itself), in a
 * forked JVM that prints every span with the agent's logging exporter: each consumed message has
 * exactly one process span — sqsx's, in the sender's trace — while the agent, as the control shows,
 * makes its own for a received list an application iterates.
 */
@LocalAws
class JavaAgentIT {

  /** The logging exporter's line: 'name' : traceId spanId KIND [tracer: scope:version] ... */
  private static final Pattern SPAN =
      Pattern.compile("'([^']+)' : ([0-9a-f]{32}) ([0-9a-f]{16}) (\\w+) \\[tracer: ([^:\\]]+)");

  record Logged(String name, String traceId, String kind, String tracer) {}

  @Test
  void underTheAgent_eachMessageHasOneProcessSpan_sqsxsInTheSendersTrace(
      AwsEndpoints endpoints, AwsResources aws) throws IOException, InterruptedException {
    Path agent = Path.of(System.getProperty("sqsx.javaagent", "target/agent/missing.jar"));
    assertThat(agent).as("copied by the build (maven-dependency-plugin)").exists();
    String queueUrl = aws.createQueue();
    String controlUrl = aws.createQueue();
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-javaagent:" + agent,
            "-Dotel.service.name=sqsx-agent-it",
            "-Dotel.traces.exporter=logging",
            "-Dotel.metrics.exporter=none",
            "-Dotel.logs.exporter=none",
            "-cp",
            System.getProperty("java.class.path"),
            AgentMain.class.getName(),
            endpoints.sqsEndpoint().orElseThrow().toString(),
            queueUrl,
            controlUrl);
    Path log = Files.createTempFile("agent-main", ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = process.waitFor(180, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(exited).as(output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("AGENT-PRESENT true", "DELETED 3", "CONTROLLED 2");
    String senderTrace = valueAfter(output, "SENDER-TRACE ");

    List<Logged> spans = new ArrayList<>();
    Matcher matcher = SPAN.matcher(output);
    while (matcher.find()) {
      spans.add(new Logged(matcher.group(1), matcher.group(2), matcher.group(4), matcher.group(5)));
    }
    String queue = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    String control = controlUrl.substring(controlUrl.lastIndexOf('/') + 1);
    List<Logged> consumerSpans =
        spans.stream().filter(span -> span.kind().equals("CONSUMER")).toList();
    assertThat(consumerSpans)
        .as("the consumed queue's process spans: sqsx's, one per message, in the sender's trace")
        .filteredOn(span -> span.name().contains(queue))
        .hasSize(3)
        .allSatisfy(
            span -> {
              assertThat(span.tracer()).isEqualTo(SqsxTracing.INSTRUMENTATION_NAME);
              assertThat(span.name()).isEqualTo("process " + queue);
              assertThat(span.traceId()).isEqualTo(senderTrace);
            });
    assertThat(consumerSpans)
        .as("control: the agent's own process spans, for a list the application iterated")
        .filteredOn(span -> span.name().contains(control))
        .isNotEmpty()
        .allSatisfy(span -> assertThat(span.tracer()).startsWith("io.opentelemetry.aws-sdk"));
    assertThat(spans)
        .as("the agent still traces the SDK calls")
        .anySatisfy(span -> assertThat(span.tracer()).startsWith("io.opentelemetry.aws-sdk"));
  }

  private static String valueAfter(String output, String prefix) {
    Matcher matcher = Pattern.compile(Pattern.quote(prefix) + "(\\S+)").matcher(output);
    assertThat(matcher.find()).as(output).isTrue();
    return matcher.group(1);
  }
}
