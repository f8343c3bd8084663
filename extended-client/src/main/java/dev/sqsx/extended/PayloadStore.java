/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import java.util.Optional;
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

  /**
   * Stores a payload's UTF-8 bytes under exactly {@code key}, overwriting what is there: for
   * senders that name their objects, as AWS's SNS extended client does with the {@code S3Key}
   * message attribute. The key must be one this store may read back (its allow-list and key
   * prefix), or nothing is stored. A payload under a named key may be pointed at by an earlier
   * message too, so the extended clients never delete it on a failed send. The default refuses: a
   * store need not let senders name its keys.
   *
   * @throws ExtendedClientException when the payload cannot be stored, the key is not one the store
   *     may read back, or the store does not store under named keys
   */
  default PayloadPointer storeUtf8Named(byte[] utf8, String key) {
    throw new ExtendedClientException(
        getClass().getSimpleName()
            + " does not store payloads under a key the sender names (S3Key); use a store that"
            + " does, such as S3PayloadStore, or leave the key to the store");
  }

  /** Asynchronous {@link #storeUtf8Named}; every failure is a failed future. */
  default CompletableFuture<PayloadPointer> storeUtf8NamedAsync(byte[] utf8, String key) {
    try {
      return CompletableFuture.completedFuture(storeUtf8Named(utf8, key));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
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

  /**
   * Reads a payload's UTF-8 bytes if it is at most {@code maxBytes} long, with the same checks and
   * failures as {@link #readUtf8}; a larger payload is not read, and the answer is empty. The store
   * learns the size from what it keeps, before the payload's body is read (the S3 store from the
   * object's content length, the DynamoDB store from its manifest), never from the message.
   *
   * <p>{@code SqsExtendedClient} reads the payloads of one receive side by side with it, and reads
   * any payload it answers empty for one at a time: so the payload's real size, not the size marker
   * its sender wrote, decides whether large payloads are held in memory at once. The default
   * answers empty without reading anything — a store that cannot learn a payload's size before
   * reading it has every payload read one at a time, after {@link #readUtf8}.
   *
   * @return the bytes (the caller's array), or empty when the payload is larger than {@code
   *     maxBytes} or its size cannot be known before it is read
   * @throws PayloadNotAllowedException as {@link #readUtf8}
   * @throws PayloadNotFoundException as {@link #readUtf8}
   * @throws PayloadIntegrityException as {@link #readUtf8}
   * @throws ExtendedClientException on any other failure
   */
  default Optional<byte[]> readUtf8IfAtMost(PayloadPointer pointer, long maxBytes) {
    return Optional.empty();
  }

  /** Asynchronous {@link #readUtf8}; the default encodes what {@link #readAsync} completes with. */
  default CompletableFuture<byte[]> readUtf8Async(PayloadPointer pointer) {
    return readAsync(pointer)
        .thenApply(payload -> payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Asynchronous {@link #delete}. */
  CompletableFuture<Void> deleteAsync(PayloadPointer pointer);
}
