/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.faults;

import java.util.Locale;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Which service and operation a request is for, read from the request itself: {@code X-Amz-Target}
 * names both for SQS and DynamoDB (JSON protocols); anything else is taken as S3, whose operation
 * is named by its HTTP method ({@code GET}, {@code PUT}, {@code DELETE}, {@code HEAD}, {@code
 * POST}).
 */
record Target(String service, String operation) {

  static Target of(SdkHttpRequest request) {
    String target = request.firstMatchingHeader("X-Amz-Target").orElse(null);
    if (target != null) {
      int dot = target.indexOf('.');
      String prefix = dot < 0 ? target : target.substring(0, dot);
      String operation = dot < 0 ? "" : target.substring(dot + 1);
      String service =
          prefix.startsWith("AmazonSQS")
              ? "sqs"
              : prefix.startsWith("DynamoDB") ? "dynamodb" : prefix.toLowerCase(Locale.ROOT);
      return new Target(service, operation);
    }
    return new Target("s3", request.method().name());
  }

  /** True when a selector ({@code sqs}, {@code sqs:SendMessage}, {@code s3:PUT}) names this. */
  boolean matches(String selector) {
    int colon = selector.indexOf(':');
    if (colon < 0) {
      return service.equalsIgnoreCase(selector);
    }
    return service.equalsIgnoreCase(selector.substring(0, colon))
        && operation.equalsIgnoreCase(selector.substring(colon + 1));
  }

  @Override
  public String toString() {
    return service + ":" + operation;
  }
}
