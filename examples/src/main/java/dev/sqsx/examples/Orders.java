/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The orders the demo sends. Order {@code i} is decided by its number, so a run is reproducible:
 * about 5% carry an attachment over 1 MiB (S3), 5% one of 300–900 KiB (DynamoDB), 5% are sent
 * twice, 2% fail once, and one in 250 is poison (a negative amount).
 */
final class Orders {

  static final int KIB = 1024;
  private static final Pattern ID = Pattern.compile("\"orderId\":(\\d+)");
  private static final Pattern AMOUNT = Pattern.compile("\"amount\":(-?\\d+)");

  private Orders() {}

  static boolean s3Sized(int order) {
    return order % 20 == 3;
  }

  static boolean dynamoSized(int order) {
    return order % 20 == 13;
  }

  static boolean duplicated(int order) {
    return order % 20 == 7;
  }

  static boolean failsOnce(int order) {
    return order % 50 == 17;
  }

  static boolean poison(int order) {
    return order % 250 == 101;
  }

  /** The order's JSON body; its attachment (if any) comes last. */
  static String body(int order, long seed) {
    long amount = poison(order) ? -1 : 100 + (order * 37L) % 10_000;
    StringBuilder body =
        new StringBuilder(64)
            .append("{\"orderId\":")
            .append(order)
            .append(",\"amount\":")
            .append(amount)
            .append(",\"customer\":\"c-")
            .append(order % 97)
            .append('"');
    int attachment = attachmentSize(order, seed);
    if (attachment > 0) {
      Random random = new Random(seed * 31 + order);
      body.append(",\"attachment\":\"");
      for (int i = 0; i < attachment; i++) {
        body.append((char) ('a' + random.nextInt(26)));
      }
      body.append('"');
    }
    return body.append('}').toString();
  }

  private static int attachmentSize(int order, long seed) {
    Random random = new Random(seed + order);
    if (s3Sized(order)) {
      return 1100 * KIB + random.nextInt(500 * KIB);
    }
    if (dynamoSized(order)) {
      return 300 * KIB + random.nextInt(600 * KIB);
    }
    return 0;
  }

  static int idOf(String body) {
    Matcher id = ID.matcher(body.length() > 200 ? body.substring(0, 200) : body);
    if (!id.find()) {
      throw new IllegalArgumentException("not an order");
    }
    return Integer.parseInt(id.group(1));
  }

  static long amountOf(String body) {
    Matcher amount = AMOUNT.matcher(body.length() > 200 ? body.substring(0, 200) : body);
    if (!amount.find()) {
      throw new IllegalArgumentException("order without amount");
    }
    return Long.parseLong(amount.group(1));
  }
}
