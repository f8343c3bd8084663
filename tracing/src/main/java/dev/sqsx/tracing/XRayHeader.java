/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.tracing;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;

/**
 * Reads X-Ray's trace header, as SQS's {@code AWSTraceHeader} system attribute carries it: {@code
 * Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1} (fields in any order,
 * others ignored). The trace id is the root's 8 + 24 hex digits.
 */
final class XRayHeader {

  private XRayHeader() {}

  /** The remote span context in {@code header}; invalid when there is none or it is malformed. */
  static SpanContext parse(String header) {
    if (header == null || header.isEmpty() || header.length() > 256) {
      return SpanContext.getInvalid();
    }
    String traceId = null;
    String parent = null;
    boolean sampled = false;
    for (String part : header.split(";", -1)) {
      int equals = part.indexOf('=');
      if (equals < 0) {
        continue;
      }
      String key = part.substring(0, equals).trim();
      String value = part.substring(equals + 1).trim();
      switch (key) {
        case "Root" -> traceId = rootToTraceId(value);
        case "Parent" -> parent = value;
        case "Sampled" -> sampled = "1".equals(value);
        default -> {}
      }
    }
    if (traceId == null || parent == null || !TraceId.isValid(traceId) || !SpanId.isValid(parent)) {
      return SpanContext.getInvalid();
    }
    return SpanContext.createFromRemoteParent(
        traceId,
        parent,
        sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(),
        TraceState.getDefault());
  }

  /** {@code 1-<8 hex>-<24 hex>} to 32 lower-case hex digits; null when it is not that. */
  private static String rootToTraceId(String root) {
    if (root.length() != 35 || !root.startsWith("1-") || root.charAt(10) != '-') {
      return null;
    }
    String id = root.substring(2, 10) + root.substring(11);
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return null;
      }
    }
    return id;
  }
}
