/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;

/**
 * What {@link PayloadSweeper} sweeps: one store's payloads, listed in a stable order page by page,
 * each with the instant it was stored. The sweeper decides which are orphans and paces the deletes;
 * the target lists only what is the store's own (its bucket and key prefix, or its table, key
 * prefix and item layout) and deletes one listed thing at a time.
 */
interface SweepTarget {

  /** Names what is swept, for messages: {@code s3://bucket/prefix} or the table and prefix. */
  String describe();

  /** The key prefix swept ("" for none). */
  String keyPrefix();

  /**
   * Checks a resume token a caller passes back.
   *
   * @throws IllegalArgumentException naming the token and why it cannot be one of this target's
   */
  void checkResumeToken(String token);

  /** The store's payloads after {@code startAfter} (null: from the beginning), a page at a time. */
  Iterator<List<Candidate>> list(String startAfter, int pageSize);

  /**
   * One thing listed: its resume token (the S3 key; the DynamoDB item as {@code <pk>|<sk>}), when
   * it was stored, its size in bytes, and how to delete it.
   */
  record Candidate(String token, Instant stored, long bytes, Deletion deletion) {}

  /** Deletes one listed thing. */
  interface Deletion {
    /**
     * Deletes it.
     *
     * @return false when it was not deleted because it changed since it was listed (written again:
     *     it is no longer the orphan that was listed)
     * @throws RuntimeException when the store fails
     */
    boolean delete();
  }
}
