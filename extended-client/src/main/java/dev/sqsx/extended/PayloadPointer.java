/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import java.util.Objects;

/**
 * Where an offloaded payload lives: the store kind, the container (S3 bucket or DynamoDB table) and
 * the key within it. Sent in the message body in place of the payload, and embedded in receipt
 * handles so that a delete can remove the payload too.
 *
 * @param kind which store holds the payload
 * @param container the S3 bucket or DynamoDB table name
 * @param key the object key or item key
 */
public record PayloadPointer(Kind kind, String container, String key) {

  /** The kinds of store a pointer can name; each has its own wire format. */
  public enum Kind {
    /** An S3 object, written as AWS's {@code PayloadS3Pointer}. */
    S3,
    /** Items of a DynamoDB table, written as sqsx's {@code PayloadDynamoDbPointer}. */
    DYNAMODB
  }

  /**
   * Creates a pointer.
   *
   * @throws NullPointerException when an argument is null
   * @throws IllegalArgumentException when container or key is empty
   */
  public PayloadPointer {
    Objects.requireNonNull(kind, "kind cannot be null");
    Objects.requireNonNull(container, "container cannot be null");
    Objects.requireNonNull(key, "key cannot be null");
    if (container.isEmpty() || key.isEmpty()) {
      throw new IllegalArgumentException(
          "a payload pointer needs a non-empty container and key, was "
              + kind
              + " '"
              + container
              + "' / '"
              + key
              + "'");
    }
  }

  /** A pointer to an S3 object. */
  public static PayloadPointer s3(String bucket, String key) {
    return new PayloadPointer(Kind.S3, bucket, key);
  }

  /** A pointer to a payload stored in a DynamoDB table. */
  public static PayloadPointer dynamoDb(String table, String key) {
    return new PayloadPointer(Kind.DYNAMODB, table, key);
  }

  @Override
  public String toString() {
    return kind + ":" + container + "/" + key;
  }
}
