/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.sns;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** SNS's query protocol as {@link LocalSns} speaks it: form parameters in, XML answers out. */
final class SnsQuery {

  private static final String XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/";

  private SnsQuery() {}

  static Map<String, String> form(HttpExchange exchange) throws IOException {
    String body;
    try (InputStream in = exchange.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null && !query.isEmpty()) {
      body = body.isEmpty() ? query : body + "&" + query;
    }
    Map<String, String> params = new LinkedHashMap<>();
    int start = 0;
    while (start <= body.length()) {
      int end = body.indexOf('&', start);
      if (end < 0) {
        end = body.length();
      }
      String pair = body.substring(start, end);
      start = end + 1;
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      params.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }

  static String result(String action, String content) {
    return "<"
        + action
        + "Response xmlns=\""
        + XMLNS
        + "\"><"
        + action
        + "Result>"
        + content
        + "</"
        + action
        + "Result><ResponseMetadata><RequestId>"
        + UUID.randomUUID()
        + "</RequestId></ResponseMetadata></"
        + action
        + "Response>";
  }

  static String error(String code, String message) {
    return "<ErrorResponse xmlns=\""
        + XMLNS
        + "\"><Error><Type>Sender</Type><Code>"
        + code
        + "</Code><Message>"
        + xml(message)
        + "</Message></Error><RequestId>"
        + UUID.randomUUID()
        + "</RequestId></ErrorResponse>";
  }

  static String xml(String value) {
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static void respond(HttpExchange exchange, int status, String xml) throws IOException {
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/xml");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
