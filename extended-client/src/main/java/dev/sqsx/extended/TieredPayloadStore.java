/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.Markers;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Several stores behind one: a payload is written to the first tier whose size limit it fits, and a
 * pointer is read or deleted by the first store that allows it. One extended client configured with
 * a tiered store receives messages of every tier's kind.
 *
 * <pre>{@code
 * PayloadStore store = TieredPayloadStore.builder()
 *     .tier(1_048_576, dynamoDbStore)    // payloads up to 1 MiB: DynamoDB
 *     .otherwise(s3Store)                // larger ones: S3
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe when its stores are. A pointer that no store allows fails with {@link
 * PayloadNotAllowedException}.
 */
public final class TieredPayloadStore implements PayloadStore {

  private final List<Tier> tiers;

  private record Tier(long maxPayloadBytes, PayloadStore store) {}

  private TieredPayloadStore(List<Tier> tiers) {
    this.tiers = List.copyOf(tiers);
  }

  /** A builder; at least {@code otherwise} is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public boolean allows(PayloadPointer pointer) {
    return tiers.stream().anyMatch(tier -> tier.store().allows(pointer));
  }

  @Override
  public PayloadPointer store(String payload) {
    return writer(payload).store(payload);
  }

  @Override
  public PayloadPointer store(String payload, String stableKey) {
    return writer(payload).store(payload, stableKey);
  }

  @Override
  public CompletableFuture<PayloadPointer> storeAsync(String payload, String stableKey) {
    return writer(payload).storeAsync(payload, stableKey);
  }

  @Override
  public String read(PayloadPointer pointer) {
    return reader(pointer).read(pointer);
  }

  @Override
  public void delete(PayloadPointer pointer) {
    reader(pointer).delete(pointer);
  }

  @Override
  public byte[] readUtf8(PayloadPointer pointer) {
    return reader(pointer).readUtf8(pointer);
  }

  @Override
  public Optional<byte[]> readUtf8IfAtMost(PayloadPointer pointer, long maxBytes) {
    return reader(pointer).readUtf8IfAtMost(pointer, maxBytes);
  }

  @Override
  public CompletableFuture<byte[]> readUtf8Async(PayloadPointer pointer) {
    try {
      return reader(pointer).readUtf8Async(pointer);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<PayloadPointer> storeAsync(String payload) {
    return writer(payload).storeAsync(payload);
  }

  @Override
  public CompletableFuture<String> readAsync(PayloadPointer pointer) {
    try {
      return reader(pointer).readAsync(pointer);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Void> deleteAsync(PayloadPointer pointer) {
    try {
      return reader(pointer).deleteAsync(pointer);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public PayloadPointer storeUtf8(byte[] utf8, String stableKey) {
    return writer(utf8.length).storeUtf8(utf8, stableKey);
  }

  @Override
  public CompletableFuture<PayloadPointer> storeUtf8Async(byte[] utf8, String stableKey) {
    try {
      return writer(utf8.length).storeUtf8Async(utf8, stableKey);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private PayloadStore writer(String payload) {
    return writer(Markers.utf8Length(payload));
  }

  private PayloadStore writer(long size) {
    for (Tier tier : tiers) {
      if (size <= tier.maxPayloadBytes()) {
        return tier.store();
      }
    }
    throw new IllegalStateException("the last tier takes every size");
  }

  private PayloadStore reader(PayloadPointer pointer) {
    Objects.requireNonNull(pointer, "pointer cannot be null");
    for (Tier tier : tiers) {
      if (tier.store().allows(pointer)) {
        return tier.store();
      }
    }
    throw new PayloadNotAllowedException(
        "pointer names a container none of the tiered stores allows", null, null, pointer, null);
  }

  /** Builds a {@link TieredPayloadStore}; not thread-safe. */
  public static final class Builder {
    private final List<Tier> tiers = new ArrayList<>();

    private Builder() {}

    /**
     * Payloads of at most {@code maxPayloadBytes} UTF-8 bytes (and not taken by an earlier tier) go
     * to {@code store}. Limits must grow from tier to tier.
     */
    public Builder tier(long maxPayloadBytes, PayloadStore store) {
      Objects.requireNonNull(store, "store cannot be null");
      long previous = tiers.isEmpty() ? 0 : tiers.get(tiers.size() - 1).maxPayloadBytes();
      if (maxPayloadBytes <= previous) {
        throw new IllegalArgumentException(
            "tier limits must grow (each tier takes what the earlier ones did not), was "
                + maxPayloadBytes
                + " after "
                + previous);
      }
      tiers.add(new Tier(maxPayloadBytes, store));
      return this;
    }

    /** Every payload no tier took goes to {@code store}. Required. */
    public Builder otherwise(PayloadStore store) {
      Objects.requireNonNull(store, "store cannot be null");
      tiers.add(new Tier(Long.MAX_VALUE, store));
      return this;
    }

    /**
     * Builds the store.
     *
     * @throws IllegalArgumentException when {@code otherwise} was not set last
     */
    public TieredPayloadStore build() {
      if (tiers.isEmpty() || tiers.get(tiers.size() - 1).maxPayloadBytes() != Long.MAX_VALUE) {
        throw new IllegalArgumentException(
            "otherwise(store) must be set last: every payload needs a tier that takes it");
      }
      return new TieredPayloadStore(tiers);
    }
  }
}
