/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

import dev.sqsx.idempotency.IdempotencyRecord.Status;
import dev.sqsx.idempotency.internal.CanonicalJson;

/** The outcome of a claim that found a live record, shared by the stores. */
final class ClaimOutcomes {

  private ClaimOutcomes() {}

  static ClaimResult conflicting(IdempotencyRecord existing, ClaimRequest request) {
    if (existing.status() == Status.IN_PROGRESS
        && existing.ownerToken().equals(request.ownerToken())) {
      // this very claim was applied by an earlier attempt whose response was lost
      return new ClaimResult.Acquired(existing, false);
    }
    if (request.payloadHash() != null
        && existing.payloadHash() != null
        // hashes of two schemes (a record written before an upgrade) cannot be compared
        && CanonicalJson.schemeOf(request.payloadHash())
            .equals(CanonicalJson.schemeOf(existing.payloadHash()))
        && !request.payloadHash().equals(existing.payloadHash())) {
      return new ClaimResult.PayloadConflict(existing);
    }
    return existing.status() == Status.COMPLETED
        ? new ClaimResult.AlreadyCompleted(existing)
        : new ClaimResult.InProgress(existing);
  }
}
