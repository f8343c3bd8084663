/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.tracing;

/** Queue names from queue URLs. */
final class Queues {

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
}
