/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.tracing;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Queue names and servers from queue URLs. */
final class Queues {

  /**
   * The host and port a queue URL names: OpenTelemetry's {@code server.address} and {@code
   * server.port}.
   *
   * @param port the URL's port, else its scheme's default (443 for https, 80 for http), else -1
   */
  record Server(String address, int port) {}

  private Queues() {}

  /** The queue's name: the URL's last path segment (the URL itself when it has none). */
  static String name(String queueUrl) {
    if (queueUrl == null) {
      return "unknown";
    }
    int end = queueUrl.endsWith("/") ? queueUrl.length() - 1 : queueUrl.length();
    int slash = queueUrl.lastIndexOf('/', end - 1);
    return slash < 0 || slash + 1 >= end ? queueUrl : queueUrl.substring(slash + 1, end);
  }

  /**
   * The server a queue URL names, as written in it (no DNS lookup); null when the URL names no host
   * (null, not absolute, or not a URI). An IPv6 literal loses its brackets.
   */
  static Server server(String queueUrl) {
    if (queueUrl == null) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(queueUrl);
    } catch (URISyntaxException e) {
      return null;
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      return null;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort();
    if (port < 0 && uri.getScheme() != null) {
      port =
          switch (uri.getScheme().toLowerCase(Locale.ROOT)) {
            case "https" -> 443;
            case "http" -> 80;
            default -> -1;
          };
    }
    return new Server(host, port);
  }
}
