/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueuesTest {

  @Test
  void server_isTheUrlsHost_andItsPortOrTheSchemesDefault() {
    assertThat(Queues.server("https://sqs.eu-west-1.amazonaws.com/123456789012/orders"))
        .isEqualTo(new Queues.Server("sqs.eu-west-1.amazonaws.com", 443));
    assertThat(Queues.server("http://localhost/000000000000/orders"))
        .isEqualTo(new Queues.Server("localhost", 80));
    assertThat(Queues.server("http://127.0.0.1:9324/000000000000/orders"))
        .isEqualTo(new Queues.Server("127.0.0.1", 9324));
    assertThat(Queues.server("HTTPS://SQS.us-east-1.amazonaws.com/1/q"))
        .as("as written, no lookup")
        .isEqualTo(new Queues.Server("SQS.us-east-1.amazonaws.com", 443));
  }

  @Test
  void server_ofAnIpv6Literal_losesItsBrackets() {
    assertThat(Queues.server("http://[::1]:4566/000000000000/orders"))
        .isEqualTo(new Queues.Server("::1", 4566));
  }

  @Test
  void server_ofAnUnknownSchemeWithoutPort_hasNoPort() {
    assertThat(Queues.server("sqs://queues.internal/orders"))
        .isEqualTo(new Queues.Server("queues.internal", -1));
  }

  @Test
  void server_ofWhatNamesNoHost_isNull() {
    assertThat(Queues.server(null)).isNull();
    assertThat(Queues.server("orders")).as("a bare name").isNull();
    assertThat(Queues.server("/000000000000/orders")).as("a path").isNull();
    assertThat(Queues.server("http://bad host/q")).as("not a URI").isNull();
    assertThat(Queues.server("http:///q")).as("an empty host").isNull();
  }

  @Test
  void name_isTheLastPathSegment() {
    assertThat(Queues.name("https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo"))
        .isEqualTo("orders.fifo");
    assertThat(Queues.name("http://127.0.0.1:9324/000000000000/orders/")).isEqualTo("orders");
    assertThat(Queues.name(null)).isEqualTo("unknown");
  }
}
