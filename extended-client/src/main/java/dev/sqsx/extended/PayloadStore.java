/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import java.util.concurrent.CompletableFuture;

/**
 * Where offloaded payloads are kept: the extension point behind {@link S3PayloadStore} and the
 * DynamoDB store.
 *
 * <p>An implementation must be thread-safe. It enforces its own allow-list: {@link #read} and
 * {@link #delete} of a pointer to a container it does not allow fail with {@link
 * PayloadNotAllowedException} without touching the container. It never closes clients it was given.
 *
 * <p>The synchronous methods serve {@code SqsExtendedClient}; the asynchronous ones serve {@code
 * SqsExtendedAsyncClient} and must not block the calling thread; they report every failure through
 * the returned future, never by throwing.
 */
public interface PayloadStore {

  /**
   * Whether this store may read and delete what the pointer names: the pointer is of this store's
   * kind and names a container on its allow-list. Never calls the service.
   */
  boolean allows(PayloadPointer pointer);

  /**
   * Stores a payload under a new, unique key and returns a pointer to it.
   *
   * @throws ExtendedClientException when the payload cannot be stored
   */
  PayloadPointer store(String payload);

  /**
   * Reads a payload.
   *
   * @throws PayloadNotAllowedException when the pointer names a container that is not allowed
   * @throws PayloadNotFoundException when nothing is stored under the pointer
   * @throws PayloadIntegrityException when what is stored does not match its recorded SHA-256
   * @throws ExtendedClientException on any other failure
   */
  String read(PayloadPointer pointer);

  /**
   * Deletes a payload, and nothing but the payload; deleting one that does not exist succeeds.
   *
   * @throws PayloadNotAllowedException when the pointer names a container that is not allowed, or
   *     something the store cannot show is one of its payloads (nothing is deleted)
   * @throws ExtendedClientException on any other failure
   */
  void delete(PayloadPointer pointer);

  /** Asynchronous {@link #store}. */
  CompletableFuture<PayloadPointer> storeAsync(String payload);

  /**
   * Stores a payload under a key derived from {@code stableKey} (hex digits), so that storing the
   * same payload under the same stable key again overwrites it instead of adding a copy. The
   * extended clients use it for FIFO sends, whose SQS deduplication would otherwise leave the
   * deduplicated send's payload with no message pointing at it. The default stores under a new key.
   *
   * @throws ExtendedClientException when the payload cannot be stored
   */
  default PayloadPointer store(String payload, String stableKey) {
    return store(payload);
  }

  /** Asynchronous {@link #store(String, String)}. */
  default CompletableFuture<PayloadPointer> storeAsync(String payload, String stableKey) {
    return storeAsync(payload);
  }

  /**
   * Stores a payload given as its UTF-8 encoding: under a new key when {@code stableKey} is null,
   * else as {@link #store(String, String)}. The extended clients encode a large body once and hand
   * its bytes here, so a store that writes bytes need not encode it again (the S3 and DynamoDB
   * stores do so). The bytes belong to the caller and must not be modified. The default decodes
   * them and calls {@link #store(String)} or {@link #store(String, String)}.
   *
   * @throws ExtendedClientException when the payload cannot be stored
   */
  default PayloadPointer storeUtf8(byte[] utf8, String stableKey) {
    String payload = new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
    return stableKey == null ? store(payload) : store(payload, stableKey);
  }

  /** Asynchronous {@link #storeUtf8}. */
  default CompletableFuture<PayloadPointer> storeUtf8Async(byte[] utf8, String stableKey) {
    String payload = new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
    return stableKey == null ? storeAsync(payload) : storeAsync(payload, stableKey);
  }

  /** Asynchronous {@link #read}. */
  CompletableFuture<String> readAsync(PayloadPointer pointer);

  /**
   * Reads a payload as its UTF-8 bytes, with the same checks and failures as {@link #read}. The
   * extended clients resolve payloads with it: they compute the resolved message's {@code
   * MD5OfBody} from these bytes and decode them once, so a store that reads bytes (the S3 and
   * DynamoDB stores do) should return them rather than decode them itself. The array is the
   * caller's. The default encodes what {@link #read} returns.
   */
  default byte[] readUtf8(PayloadPointer pointer) {
    return read(pointer).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Asynchronous {@link #readUtf8}; the default encodes what {@link #readAsync} completes with. */
  default CompletableFuture<byte[]> readUtf8Async(PayloadPointer pointer) {
    return readAsync(pointer)
        .thenApply(payload -> payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Asynchronous {@link #delete}. */
  CompletableFuture<Void> deleteAsync(PayloadPointer pointer);
}
