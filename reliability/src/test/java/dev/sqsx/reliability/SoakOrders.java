/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.reliability;

import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak's orders: ids, sizes (small, DynamoDB-offloaded, S3-offloaded) and designated poison.
 */
final class SoakOrders {

  /** Offload above this many bytes (lowered from 256 KiB so the soak moves less data). */
  static final int THRESHOLD = 16 * 1024;

  /** Offloaded payloads up to this size go to DynamoDB, larger ones to S3. */
  static final int DYNAMODB_TIER = 64 * 1024;

  private static final Pattern ORDER_ID = Pattern.compile("\"orderId\":\"([^\"]+)\"");

  private SoakOrders() {}

  static String id(int order) {
    return "o-" + order;
  }

  /** One order in a hundred fails for good: it must end in the DLQ, and only it. */
  static boolean poison(int order) {
    return order % 100 == 37;
  }

  static boolean poison(String orderId) {
    return poison(Integer.parseInt(orderId.substring(2)));
  }

  /** 80% small, 10% between the threshold and the DynamoDB tier, 10% larger (S3). */
  static String body(int order, Random random) {
    int size;
    int bucket = order % 10;
    if (poison(order) || bucket < 8) {
      size = 100 + random.nextInt(900);
    } else if (bucket == 8) {
      size = THRESHOLD + 4096 + random.nextInt(DYNAMODB_TIER - THRESHOLD - 8192);
    } else {
      size = DYNAMODB_TIER + 4096 + random.nextInt(96 * 1024);
    }
    StringBuilder body =
        new StringBuilder("{\"orderId\":\"")
            .append(id(order))
            .append("\",\"poison\":")
            .append(poison(order))
            .append(",\"pad\":\"");
    while (body.length() < size) {
      body.append((char) ('a' + random.nextInt(26)));
    }
    return body.append("\"}").toString();
  }

  static String orderId(String body) {
    Matcher matcher = ORDER_ID.matcher(body);
    if (!matcher.find()) {
      throw new IllegalArgumentException("not an order");
    }
    return matcher.group(1);
  }

  private static final Pattern POINTER_KEY =
      Pattern.compile("\"(s3Key|key)\"\\s*:\\s*\"([^\"]+)\"");

  /** The payload a pointer body names, as {@code s3:<key>} or {@code dynamodb:<key>}. */
  static Optional<String> pointerKey(String body) {
    Matcher matcher = POINTER_KEY.matcher(body);
    if (!body.startsWith("[") || !matcher.find()) {
      return Optional.empty();
    }
    return Optional.of((matcher.group(1).equals("s3Key") ? "s3:" : "dynamodb:") + matcher.group(2));
  }

  /**
   * The payload a delivered message's receipt handle embeds (wire format: the S3 or DynamoDB
   * markers around the key), as {@code s3:<key>} or {@code dynamodb:<key>}.
   */
  static Optional<String> payloadKey(String receiptHandle) {
    for (String[] marker :
        new String[][] {{"s3", "-..s3Key..-"}, {"dynamodb", "-..dynamoDbKey..-"}}) {
      int start = receiptHandle.indexOf(marker[1]);
      if (start >= 0) {
        int end = receiptHandle.indexOf(marker[1], start + marker[1].length());
        return Optional.of(
            marker[0] + ":" + receiptHandle.substring(start + marker[1].length(), end));
      }
    }
    return Optional.empty();
  }
}
