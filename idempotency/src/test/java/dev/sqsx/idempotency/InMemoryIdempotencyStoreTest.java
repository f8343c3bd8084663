/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.idempotency;

/** The store contract against the in-memory store. */
class InMemoryIdempotencyStoreTest extends IdempotencyStoreContract {

  private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(clock);

  @Override
  IdempotencyStore store() {
    return store;
  }
}
