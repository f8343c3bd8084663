/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.S3Objects.Config;
import dev.sqsx.extended.internal.BlockingPool;
import dev.sqsx.extended.internal.BoundedBytes;
import dev.sqsx.extended.internal.Download;
import dev.sqsx.extended.internal.Futures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Keeps offloaded payloads as S3 objects, in the layout of AWS's extended client: one object per
 * payload, key {@code <keyPrefix><random UUID>}, body the payload's UTF-8 bytes. The payload's
 * SHA-256 is recorded in the object's metadata ({@value #CHECKSUM_METADATA}) and checked on every
 * read: a payload that does not match fails with {@link PayloadIntegrityException}.
 *
 * <pre>{@code
 * S3PayloadStore store = S3PayloadStore.builder()
 *     .s3Client(s3)                 // and/or .s3AsyncClient(s3Async)
 *     .bucket("my-payloads")
 *     .build();
 * }</pre>
 *
 * <p>Reads and deletes are allowed only in the store's own bucket and the buckets added with {@link
 * Builder#allowedBuckets}: a pointer to any other bucket fails with {@link
 * PayloadNotAllowedException} and S3 is not called. Thread-safe; the S3 clients are never closed by
 * this class. With only a synchronous client, the asynchronous methods run the blocking call on
 * {@link Builder#asyncExecutor} (default: a shared pool of daemon threads); with only an
 * asynchronous client, the synchronous methods wait for it.
 */
public final class S3PayloadStore implements PayloadStore {

  /** The default {@link Builder#maxPayloadSize}: 64 MiB. */
  public static final long DEFAULT_MAX_PAYLOAD_SIZE = 64L * 1024 * 1024;

  /** The largest {@link Builder#maxPayloadSize}: what one Java array can hold. */
  public static final long MAX_PAYLOAD_SIZE_LIMIT = Integer.MAX_VALUE - 8;

  /** The longest key prefix: S3's 1,024-byte key limit less the 36-character UUID. */
  public static final int MAX_KEY_PREFIX_LENGTH = 988;

  /** The user-metadata key under which the payload's hex SHA-256 is recorded. */
  public static final String CHECKSUM_METADATA = "sqsx-sha256";

  private static final Executor DEFAULT_EXECUTOR = BlockingPool.create("sqsx-s3-payload-store", 64);

  private final S3Client s3;
  private final S3AsyncClient s3Async;
  private final Config config;
  private final S3Objects objects;
  private final Executor asyncExecutor;

  private S3PayloadStore(Config config, S3Client s3, S3AsyncClient s3Async, Executor executor) {
    this.s3 = s3;
    this.s3Async = s3Async;
    this.config = config;
    this.objects = new S3Objects(config);
    this.asyncExecutor = executor == null ? DEFAULT_EXECUTOR : executor;
  }

  /** A builder; {@code bucket} and one of the two clients are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The bucket payloads are written to. */
  public String bucket() {
    return config.bucket();
  }

  /** The key prefix payloads are written under ("" for none); for {@link PayloadSweeper}. */
  String keyPrefix() {
    return config.keyPrefix();
  }

  /** The blocking client, or null when the store was built with only an asynchronous one. */
  S3Client s3Client() {
    return s3;
  }

  /** Every bucket a pointer may name: the store's own and the extra allowed ones. */
  public Set<String> allowedBuckets() {
    return config.allowedBuckets();
  }

  @Override
  public boolean allows(PayloadPointer pointer) {
    return objects.allows(pointer);
  }

  @Override
  public PayloadPointer store(String payload) {
    return storeUtf8(payload.getBytes(StandardCharsets.UTF_8), null);
  }

  /** Stores under {@code <keyPrefix><stableKey>}: the same payload again overwrites it. */
  @Override
  public PayloadPointer store(String payload, String stableKey) {
    return storeUtf8(payload.getBytes(StandardCharsets.UTF_8), stableKey);
  }

  /** Stores the UTF-8 bytes as they are: no encoding, no copy. */
  @Override
  public PayloadPointer storeUtf8(byte[] utf8, String stableKey) {
    PayloadPointer pointer =
        stableKey == null ? objects.newPointer() : objects.stablePointer(stableKey);
    return storeBytes(objects.withinLimit(pointer, utf8), pointer);
  }

  /**
   * Stores the UTF-8 bytes under exactly {@code key} in the store's bucket (AWS's SNS extended
   * client's {@code S3Key}), overwriting what is there. The key must be one this store reads back:
   * with a {@code keyPrefix}, the prefix and one path level below it (prefix ending in '/'), or a
   * UUID or stable key after it.
   *
   * @throws PayloadNotAllowedException when the key is outside the key prefix (nothing is stored)
   */
  @Override
  public PayloadPointer storeUtf8Named(byte[] utf8, String key) {
    PayloadPointer pointer = objects.namedPointer(key);
    return storeBytes(objects.withinLimit(pointer, utf8), pointer);
  }

  /** Asynchronous {@link #storeUtf8Named}. */
  @Override
  public CompletableFuture<PayloadPointer> storeUtf8NamedAsync(byte[] utf8, String key) {
    try {
      PayloadPointer pointer = objects.namedPointer(key);
      return storeBytesAsync(objects.withinLimit(pointer, utf8), pointer);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private PayloadPointer storeBytes(byte[] bytes, PayloadPointer pointer) {
    if (s3 == null) {
      return Futures.join(storeBytesAsync(bytes, pointer), "S3 call");
    }
    try {
      // The SDK's RequestBody.fromBytes copies the array; a provider over it does not.
      s3.putObject(
          objects.putRequest(pointer, bytes),
          RequestBody.fromContentProvider(
              () -> new ByteArrayInputStream(bytes), bytes.length, "application/octet-stream"));
      return pointer;
    } catch (RuntimeException e) {
      throw S3Objects.storeFailed(pointer, e);
    }
  }

  @Override
  public String read(PayloadPointer pointer) {
    return new String(readUtf8(pointer), StandardCharsets.UTF_8);
  }

  /**
   * Reads a payload's UTF-8 bytes: into one array of the object's length, its SHA-256 checked as
   * they arrive; no decoding.
   */
  @Override
  public byte[] readUtf8(PayloadPointer pointer) {
    return readWithin(pointer, Long.MAX_VALUE);
  }

  /**
   * {@link #readUtf8} of an object of at most {@code maxBytes}, known from its content length: a
   * larger object's body is not downloaded (the response is aborted after its headers).
   */
  @Override
  public Optional<byte[]> readUtf8IfAtMost(PayloadPointer pointer, long maxBytes) {
    return Optional.ofNullable(readWithin(pointer, maxBytes));
  }

  /** The payload's bytes, or null when its object is over {@code cap} (or of unknown length). */
  private byte[] readWithin(PayloadPointer pointer, long cap) {
    objects.checkAllowed(pointer);
    if (s3 == null) {
      return Futures.join(Futures.guarded(() -> readWithinAsync(pointer, cap)), "S3 call");
    }
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(r -> r.bucket(pointer.container()).key(pointer.key()))) {
      GetObjectResponse response = in.response();
      objects.checkSize(pointer, response.contentLength(), in::abort);
      if (S3Objects.overCap(response.contentLength(), cap)) {
        in.abort();
        return null;
      }
      Download download = objects.download(pointer, response.contentLength());
      download.readAll(in);
      return objects.verified(pointer, response, download.finish());
    } catch (IOException e) {
      throw S3Objects.readFailed(pointer, new UncheckedIOException(e));
    } catch (RuntimeException e) {
      throw S3Objects.readFailed(pointer, e);
    }
  }

  @Override
  public void delete(PayloadPointer pointer) {
    objects.checkAllowed(pointer);
    if (s3 == null) {
      Futures.join(deleteAsync(pointer), "S3 call");
      return;
    }
    try {
      s3.deleteObject(r -> r.bucket(pointer.container()).key(pointer.key()));
    } catch (RuntimeException e) {
      throw S3Objects.deleteFailed(pointer, e);
    }
  }

  @Override
  public CompletableFuture<PayloadPointer> storeAsync(String payload) {
    return storeAsync(payload, null);
  }

  @Override
  public CompletableFuture<PayloadPointer> storeAsync(String payload, String stableKey) {
    try {
      return storeUtf8Async(payload.getBytes(StandardCharsets.UTF_8), stableKey);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Asynchronous {@link #storeUtf8}: the bytes as they are, no encoding, no copy. */
  @Override
  public CompletableFuture<PayloadPointer> storeUtf8Async(byte[] utf8, String stableKey) {
    try {
      PayloadPointer pointer =
          stableKey == null ? objects.newPointer() : objects.stablePointer(stableKey);
      return storeBytesAsync(objects.withinLimit(pointer, utf8), pointer);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<PayloadPointer> storeBytesAsync(byte[] bytes, PayloadPointer pointer) {
    if (s3Async == null) {
      return CompletableFuture.supplyAsync(() -> storeBytes(bytes, pointer), asyncExecutor);
    }
    try {
      return s3Async
          .putObject(objects.putRequest(pointer, bytes), AsyncRequestBody.fromBytesUnsafe(bytes))
          .handle(
              (response, error) -> {
                if (error != null) {
                  throw S3Objects.storeFailed(pointer, Futures.unwrap(error));
                }
                return pointer;
              });
    } catch (PayloadTooLargeException e) {
      return CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(S3Objects.storeFailed(pointer, e));
    }
  }

  @Override
  public CompletableFuture<String> readAsync(PayloadPointer pointer) {
    return readUtf8Async(pointer).thenApply(bytes -> new String(bytes, StandardCharsets.UTF_8));
  }

  /** Asynchronous {@link #readUtf8}. */
  @Override
  public CompletableFuture<byte[]> readUtf8Async(PayloadPointer pointer) {
    try {
      objects.checkAllowed(pointer);
      if (s3Async == null) {
        return CompletableFuture.supplyAsync(() -> readUtf8(pointer), asyncExecutor);
      }
      return readWithinAsync(pointer, Long.MAX_VALUE);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * On the asynchronous client: the payload's bytes, or null when its object is over {@code cap}
   * (or of unknown length), whose body is then not downloaded.
   */
  private CompletableFuture<byte[]> readWithinAsync(PayloadPointer pointer, long cap) {
    return s3Async
        .getObject(
            r -> r.bucket(pointer.container()).key(pointer.key()),
            new BoundedBytes<GetObjectResponse>(
                response -> {
                  Long length = response.contentLength();
                  objects.checkSize(pointer, length, () -> {});
                  if (S3Objects.overCap(length, cap)) {
                    throw new OverCap();
                  }
                  return objects.download(pointer, length);
                }))
        .handle(
            (body, error) -> {
              if (error != null) {
                Throwable cause = Futures.unwrap(error);
                if (OverCap.in(cause)) {
                  return null;
                }
                throw S3Objects.readFailed(pointer, cause);
              }
              return objects.verified(pointer, body.response(), body.downloaded());
            });
  }

  @Override
  public CompletableFuture<Void> deleteAsync(PayloadPointer pointer) {
    try {
      objects.checkAllowed(pointer);
      if (s3Async == null) {
        return CompletableFuture.runAsync(() -> delete(pointer), asyncExecutor);
      }
      return s3Async
          .deleteObject(r -> r.bucket(pointer.container()).key(pointer.key()))
          .handle(
              (response, error) -> {
                if (error != null) {
                  throw S3Objects.deleteFailed(pointer, Futures.unwrap(error));
                }
                return null;
              });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Builds an {@link S3PayloadStore}; not thread-safe. */
  public static final class Builder {
    private S3Client s3;
    private S3AsyncClient s3Async;
    private String bucket;
    private String keyPrefix = "";
    private ServerSideEncryption serverSideEncryption;
    private String kmsKeyId;
    private ObjectCannedACL cannedAcl;
    private final Set<String> allowedBuckets = new LinkedHashSet<>();
    private Executor asyncExecutor;
    private boolean requireChecksum;
    private boolean enforceKeyPrefix = true;
    private long maxPayloadSize = DEFAULT_MAX_PAYLOAD_SIZE;

    private Builder() {}

    /** The synchronous S3 client (not closed by the store). */
    public Builder s3Client(S3Client s3) {
      this.s3 = s3;
      return this;
    }

    /** The asynchronous S3 client (not closed by the store). */
    public Builder s3AsyncClient(S3AsyncClient s3Async) {
      this.s3Async = s3Async;
      return this;
    }

    /** The bucket payloads are written to; always allowed for reads and deletes. Required. */
    public Builder bucket(String bucket) {
      this.bucket = bucket;
      return this;
    }

    /**
     * Prepended to every key (AWS's {@code s3KeyPrefix}): trimmed; at most 988 characters of {@code
     * a-z A-Z 0-9 . / _ -}; not starting with '.' or '/'; without "..". Default none.
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
      return this;
    }

    /** Server-side encryption of payload objects: {@code AES256} (SSE-S3) or {@code aws:kms}. */
    public Builder serverSideEncryption(ServerSideEncryption serverSideEncryption) {
      this.serverSideEncryption = serverSideEncryption;
      return this;
    }

    /** SSE-KMS with this key (id, ARN or alias); sets the encryption to {@code aws:kms}. */
    public Builder kmsKeyId(String kmsKeyId) {
      this.kmsKeyId = kmsKeyId;
      if (kmsKeyId != null) {
        this.serverSideEncryption = ServerSideEncryption.AWS_KMS;
      }
      return this;
    }

    /** A canned ACL for payload objects (e.g. {@code BUCKET_OWNER_FULL_CONTROL}). Default none. */
    public Builder cannedAcl(ObjectCannedACL cannedAcl) {
      this.cannedAcl = cannedAcl;
      return this;
    }

    /**
     * More buckets a received pointer may name (e.g. a bucket a producer used before a migration).
     * A pointer to any bucket not listed here or set with {@link #bucket} is refused.
     */
    public Builder allowedBuckets(Set<String> buckets) {
      Objects.requireNonNull(buckets, "allowedBuckets cannot be null");
      buckets.forEach(b -> Objects.requireNonNull(b, "allowedBuckets cannot contain null"));
      this.allowedBuckets.addAll(buckets);
      return this;
    }

    /**
     * Runs blocking S3 calls for the asynchronous methods when only a synchronous client is set
     * (not shut down by the store). Default: a shared pool of 64 daemon threads with a queue; a
     * call never runs on the caller's thread (which may be an SDK event-loop thread).
     */
    public Builder asyncExecutor(Executor asyncExecutor) {
      this.asyncExecutor = asyncExecutor;
      return this;
    }

    /**
     * Refuse objects that carry no {@code sqsx-sha256} metadata (default false, so objects written
     * by AWS's extended client, which records none, can be read). Objects that carry it are always
     * checked.
     */
    public Builder requireChecksum(boolean requireChecksum) {
      this.requireChecksum = requireChecksum;
      return this;
    }

    /**
     * With a {@link #keyPrefix}, read and delete only keys that start with it (default true): a
     * sender cannot make consumers read or delete other objects of an allowed bucket. Turn off only
     * when producers write to the allowed buckets with other prefixes. No effect without a prefix.
     */
    public Builder enforceKeyPrefix(boolean enforceKeyPrefix) {
      this.enforceKeyPrefix = enforceKeyPrefix;
      return this;
    }

    /**
     * The largest payload stored or read, in bytes (default 64 MiB, at most 2,147,483,639). A
     * larger object named by a received pointer is refused from its content length, before it is
     * downloaded, with {@link PayloadTooLargeException}.
     */
    public Builder maxPayloadSize(long maxPayloadSize) {
      this.maxPayloadSize = maxPayloadSize;
      return this;
    }

    /**
     * Validates and builds the store.
     *
     * @throws IllegalArgumentException naming the field and the rule when a setting is invalid
     */
    public S3PayloadStore build() {
      if (s3 == null && s3Async == null) {
        throw new IllegalArgumentException(
            "s3Client or s3AsyncClient must be set: the store needs a client to reach S3");
      }
      Config config =
          new Config(
              bucket,
              allowedBuckets,
              keyPrefix,
              enforceKeyPrefix,
              serverSideEncryption,
              kmsKeyId,
              cannedAcl,
              requireChecksum,
              maxPayloadSize);
      return new S3PayloadStore(config, s3, s3Async, asyncExecutor);
    }
  }
}
