package dev.sqsx.extended;

import dev.sqsx.extended.internal.BlockingPool;
import dev.sqsx.extended.internal.BoundedBytes;
import dev.sqsx.extended.internal.Digests;
import dev.sqsx.extended.internal.Futures;
import dev.sqsx.extended.internal.KeyPrefixes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
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

  private static final Executor DEFAULT_EXECUTOR = defaultExecutor();

  private final S3Client s3;
  private final S3AsyncClient s3Async;
  private final String bucket;
  private final String keyPrefix;
  private final ServerSideEncryption serverSideEncryption;
  private final String kmsKeyId;
  private final ObjectCannedACL cannedAcl;
  private final Set<String> allowedBuckets;
  private final Executor asyncExecutor;
  private final boolean requireChecksum;
  private final boolean enforceKeyPrefix;
  private final long maxPayloadSize;

  private S3PayloadStore(Builder builder) {
    this.s3 = builder.s3;
    this.s3Async = builder.s3Async;
    this.bucket = builder.bucket;
    this.keyPrefix = builder.keyPrefix;
    this.serverSideEncryption = builder.serverSideEncryption;
    this.kmsKeyId = builder.kmsKeyId;
    this.cannedAcl = builder.cannedAcl;
    Set<String> allowed = new LinkedHashSet<>(builder.allowedBuckets);
    allowed.add(bucket);
    this.allowedBuckets = Set.copyOf(allowed);
    this.asyncExecutor = builder.asyncExecutor == null ? DEFAULT_EXECUTOR : builder.asyncExecutor;
    this.requireChecksum = builder.requireChecksum;
    this.enforceKeyPrefix = builder.enforceKeyPrefix;
    this.maxPayloadSize = builder.maxPayloadSize;
  }

  /** A builder; {@code bucket} and one of the two clients are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The bucket payloads are written to. */
  public String bucket() {
    return bucket;
  }

  /** Every bucket a pointer may name: the store's own and the extra allowed ones. */
  public Set<String> allowedBuckets() {
    return allowedBuckets;
  }

  @Override
  public boolean allows(PayloadPointer pointer) {
    return pointer.kind() == PayloadPointer.Kind.S3
        && allowedBuckets.contains(pointer.container())
        && keyAllowed(pointer.key());
  }

  private boolean keyAllowed(String key) {
    return KeyPrefixes.allows(keyPrefix, enforceKeyPrefix, key);
  }

  @Override
  public PayloadPointer store(String payload) {
    return store(payload, newPointer());
  }

  /** Stores under {@code <keyPrefix><stableKey>}: the same payload again overwrites it. */
  @Override
  public PayloadPointer store(String payload, String stableKey) {
    return store(payload, stablePointer(stableKey));
  }

  private PayloadPointer store(String payload, PayloadPointer pointer) {
    if (s3 == null) {
      return Futures.join(storeAsync(payload, pointer), "S3 call");
    }
    byte[] bytes = withinLimit(pointer, payload.getBytes(StandardCharsets.UTF_8));
    try {
      s3.putObject(putRequest(pointer, bytes), RequestBody.fromBytes(bytes));
      return pointer;
    } catch (RuntimeException e) {
      throw storeFailed(pointer, e);
    }
  }

  @Override
  public String read(PayloadPointer pointer) {
    checkAllowed(pointer);
    if (s3 == null) {
      return Futures.join(readAsync(pointer), "S3 call");
    }
    ResponseBytes<GetObjectResponse> object;
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(r -> r.bucket(pointer.container()).key(pointer.key()))) {
      checkSize(pointer, in.response().contentLength(), in::abort);
      object = ResponseBytes.fromByteArrayUnsafe(in.response(), in.readNBytes(readLimit()));
    } catch (IOException e) {
      throw readFailed(pointer, new UncheckedIOException(e));
    } catch (RuntimeException e) {
      throw readFailed(pointer, e);
    }
    return verified(pointer, object);
  }

  @Override
  public void delete(PayloadPointer pointer) {
    checkAllowed(pointer);
    if (s3 == null) {
      Futures.join(deleteAsync(pointer), "S3 call");
      return;
    }
    try {
      s3.deleteObject(r -> r.bucket(pointer.container()).key(pointer.key()));
    } catch (RuntimeException e) {
      throw deleteFailed(pointer, e);
    }
  }

  @Override
  public CompletableFuture<PayloadPointer> storeAsync(String payload) {
    return storeAsync(payload, newPointer());
  }

  @Override
  public CompletableFuture<PayloadPointer> storeAsync(String payload, String stableKey) {
    try {
      return storeAsync(payload, stablePointer(stableKey));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<PayloadPointer> storeAsync(String payload, PayloadPointer pointer) {
    if (s3Async == null) {
      return supplyOnExecutor(() -> store(payload, pointer));
    }
    byte[] bytes;
    try {
      bytes = withinLimit(pointer, payload.getBytes(StandardCharsets.UTF_8));
    } catch (PayloadTooLargeException e) {
      return CompletableFuture.failedFuture(e);
    }
    try {
      return s3Async
          .putObject(putRequest(pointer, bytes), AsyncRequestBody.fromBytes(bytes))
          .handle(
              (response, error) -> {
                if (error != null) {
                  throw storeFailed(pointer, Futures.unwrap(error));
                }
                return pointer;
              });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(storeFailed(pointer, e));
    }
  }

  @Override
  public CompletableFuture<String> readAsync(PayloadPointer pointer) {
    try {
      checkAllowed(pointer);
      if (s3Async == null) {
        return supplyOnExecutor(() -> read(pointer));
      }
      return s3Async
          .getObject(
              r -> r.bucket(pointer.container()).key(pointer.key()),
              new BoundedBytes<>(
                  response -> checkSize(pointer, response.contentLength(), () -> {})))
          .handle(
              (bytes, error) -> {
                if (error != null) {
                  throw readFailed(pointer, Futures.unwrap(error));
                }
                return verified(pointer, bytes);
              });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Void> deleteAsync(PayloadPointer pointer) {
    try {
      checkAllowed(pointer);
      if (s3Async == null) {
        return supplyOnExecutor(
            () -> {
              delete(pointer);
              return null;
            });
      }
      return s3Async
          .deleteObject(r -> r.bucket(pointer.container()).key(pointer.key()))
          .handle(
              (response, error) -> {
                if (error != null) {
                  throw deleteFailed(pointer, Futures.unwrap(error));
                }
                return null;
              });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private PayloadPointer newPointer() {
    return PayloadPointer.s3(bucket, keyPrefix + UUID.randomUUID());
  }

  private PayloadPointer stablePointer(String stableKey) {
    return PayloadPointer.s3(bucket, keyPrefix + KeyPrefixes.stableKey(stableKey));
  }

  private PutObjectRequest putRequest(PayloadPointer pointer, byte[] payload) {
    PutObjectRequest.Builder put =
        PutObjectRequest.builder()
            .bucket(pointer.container())
            .key(pointer.key())
            .contentLength((long) payload.length)
            .metadata(Map.of(CHECKSUM_METADATA, Digests.sha256Hex(payload)));
    if (serverSideEncryption != null) {
      put.serverSideEncryption(serverSideEncryption);
    }
    if (kmsKeyId != null) {
      put.ssekmsKeyId(kmsKeyId);
    }
    if (cannedAcl != null) {
      put.acl(cannedAcl);
    }
    return put.build();
  }

  private byte[] withinLimit(PayloadPointer pointer, byte[] payload) {
    if (payload.length > maxPayloadSize) {
      throw tooLarge(pointer, payload.length, "cannot store a payload of ");
    }
    return payload;
  }

  /** One byte more than allowed, so an object longer than its content length is caught too. */
  private int readLimit() {
    return (int) Math.min(MAX_PAYLOAD_SIZE_LIMIT, maxPayloadSize + 1);
  }

  /** Fails, before the body is read, for an object over {@code maxPayloadSize}. */
  private void checkSize(PayloadPointer pointer, Long contentLength, Runnable abort) {
    if (contentLength != null && contentLength > maxPayloadSize) {
      abort.run();
      throw tooLarge(pointer, contentLength, "payload object has ");
    }
  }

  private PayloadTooLargeException tooLarge(PayloadPointer pointer, long size, String what) {
    return new PayloadTooLargeException(
        what + size + " bytes, above the S3 store's maxPayloadSize of " + maxPayloadSize + " bytes",
        null,
        null,
        pointer,
        null);
  }

  /**
   * The payload, after checking it against the SHA-256 recorded at store time. An object without
   * the record (written by AWS's library) is accepted unless {@code requireChecksum} is set.
   */
  private String verified(PayloadPointer pointer, ResponseBytes<GetObjectResponse> object) {
    if (object.asByteArrayUnsafe().length > maxPayloadSize) {
      throw tooLarge(pointer, object.asByteArrayUnsafe().length, "payload object has ");
    }
    String recorded = object.response().metadata().get(CHECKSUM_METADATA);
    if (recorded == null) {
      if (requireChecksum) {
        throw new PayloadIntegrityException(
            "payload object has no " + CHECKSUM_METADATA + " metadata and requireChecksum is set",
            null,
            null,
            pointer,
            null);
      }
    } else if (!recorded.equalsIgnoreCase(Digests.sha256Hex(object.asByteArrayUnsafe()))) {
      throw new PayloadIntegrityException(
          "payload object does not match the SHA-256 recorded when it was stored",
          null,
          null,
          pointer,
          null);
    }
    return object.asUtf8String();
  }

  private void checkAllowed(PayloadPointer pointer) {
    Objects.requireNonNull(pointer, "pointer cannot be null");
    if (pointer.kind() != PayloadPointer.Kind.S3) {
      throw new PayloadNotAllowedException(
          "pointer names a " + pointer.kind() + " store; this S3 store reads S3 pointers only",
          null,
          null,
          pointer,
          null);
    }
    if (!allowedBuckets.contains(pointer.container())) {
      throw new PayloadNotAllowedException(
          "pointer names bucket '"
              + pointer.container()
              + "', which is not allowed (allowed: "
              + allowedBuckets
              + ")",
          null,
          null,
          pointer,
          null);
    }
    if (!keyAllowed(pointer.key())) {
      throw new PayloadNotAllowedException(
          "pointer names a key outside the store's key prefix '"
              + keyPrefix
              + "' (enforceKeyPrefix is on)",
          null,
          null,
          pointer,
          null);
    }
  }

  private static ExtendedClientException storeFailed(PayloadPointer pointer, Throwable cause) {
    return new ExtendedClientException("cannot store payload in S3", null, null, pointer, cause);
  }

  private static ExtendedClientException readFailed(PayloadPointer pointer, Throwable cause) {
    // The SDK wraps what a response transformer failed with (a refused download) in its own
    // exception: the store's own failure is the one to report.
    for (Throwable c = cause; c != null; c = c.getCause()) {
      if (c instanceof ExtendedClientException own) {
        return own;
      }
    }
    if (cause instanceof NoSuchKeyException
        || (cause instanceof S3Exception && ((S3Exception) cause).statusCode() == 404)) {
      return new PayloadNotFoundException(
          "payload object not found in S3", null, null, pointer, cause);
    }
    return new ExtendedClientException("cannot read payload from S3", null, null, pointer, cause);
  }

  private static ExtendedClientException deleteFailed(PayloadPointer pointer, Throwable cause) {
    return new ExtendedClientException("cannot delete payload from S3", null, null, pointer, cause);
  }

  private <T> CompletableFuture<T> supplyOnExecutor(Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, asyncExecutor);
  }

  private static Executor defaultExecutor() {
    return BlockingPool.create("sqsx-s3-payload-store", 64);
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
      if (bucket == null || bucket.isBlank()) {
        throw new IllegalArgumentException(
            "bucket must be set: it is where payloads are written, was '" + bucket + "'");
      }
      keyPrefix =
          KeyPrefixes.valid(
              keyPrefix, MAX_KEY_PREFIX_LENGTH, "S3 keys are at most 1,024 and the UUID takes 36");
      if (maxPayloadSize < 1 || maxPayloadSize > MAX_PAYLOAD_SIZE_LIMIT) {
        throw new IllegalArgumentException(
            "maxPayloadSize must be 1.."
                + MAX_PAYLOAD_SIZE_LIMIT
                + " bytes (what one Java array holds), was "
                + maxPayloadSize);
      }
      if (kmsKeyId != null && serverSideEncryption != ServerSideEncryption.AWS_KMS) {
        throw new IllegalArgumentException(
            "kmsKeyId needs serverSideEncryption aws:kms, was " + serverSideEncryption);
      }
      return new S3PayloadStore(this);
    }
  }
}
