/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

/** The answer to a claim: one of four outcomes, each with the record as it now stands. */
public sealed interface ClaimResult {

  /** The record involved. */
  IdempotencyRecord record();

  /**
   * The worker now holds the key.
   *
   * @param takeover true when it took the key over from a holder whose lease had expired
   */
  record Acquired(IdempotencyRecord record, boolean takeover) implements ClaimResult {}

  /** The side effect was already applied: skip it (the stored result, if any, is in the record). */
  record AlreadyCompleted(IdempotencyRecord record) implements ClaimResult {}

  /** Another worker holds the key with a live lease: try again later. */
  record InProgress(IdempotencyRecord record) implements ClaimResult {}

  /** The key was used with a different payload: a conflict, not a duplicate. */
  record PayloadConflict(IdempotencyRecord record) implements ClaimResult {}
}
