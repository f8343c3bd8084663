/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.Digests;
import dev.sqsx.extended.internal.Download;
import dev.sqsx.extended.internal.KeyPrefixes;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The rules of {@link S3PayloadStore}'s objects, apart from the calls that move them: keys, the put
 * request (encryption, ACL, the recorded SHA-256), what a pointer may name, size limits, the
 * integrity check on read, and the exceptions each failure becomes.
 */
final class S3Objects {

  /**
   * The validated, immutable settings an {@link S3PayloadStore.Builder} builds (the store's own
   * bucket is added to {@code allowedBuckets}); an invalid setting fails with an {@code
   * IllegalArgumentException} naming it and the rule.
   */
  record Config(
      String bucket,
      Set<String> allowedBuckets,
      String keyPrefix,
      boolean enforceKeyPrefix,
      ServerSideEncryption serverSideEncryption,
      String kmsKeyId,
      ObjectCannedACL cannedAcl,
      boolean requireChecksum,
      long maxPayloadSize) {

    Config {
      if (bucket == null || bucket.isBlank()) {
        throw new IllegalArgumentException(
            "bucket must be set: it is where payloads are written, was '" + bucket + "'");
      }
      keyPrefix =
          KeyPrefixes.valid(
              keyPrefix,
              S3PayloadStore.MAX_KEY_PREFIX_LENGTH,
              "S3 keys are at most 1,024 and the UUID takes 36");
      if (maxPayloadSize < 1 || maxPayloadSize > S3PayloadStore.MAX_PAYLOAD_SIZE_LIMIT) {
        throw new IllegalArgumentException(
            "maxPayloadSize must be 1.."
                + S3PayloadStore.MAX_PAYLOAD_SIZE_LIMIT
                + " bytes (what one Java array holds), was "
                + maxPayloadSize);
      }
      if (kmsKeyId != null && serverSideEncryption != ServerSideEncryption.AWS_KMS) {
        throw new IllegalArgumentException(
            "kmsKeyId needs serverSideEncryption aws:kms, was " + serverSideEncryption);
      }
      Set<String> allowed = new LinkedHashSet<>(allowedBuckets);
      allowed.add(bucket);
      allowedBuckets = Set.copyOf(allowed);
    }
  }

  private final Config config;

  S3Objects(Config config) {
    this.config = config;
  }

  PayloadPointer newPointer() {
    return PayloadPointer.s3(config.bucket(), config.keyPrefix() + UUID.randomUUID());
  }

  PayloadPointer stablePointer(String stableKey) {
    return PayloadPointer.s3(
        config.bucket(), config.keyPrefix() + KeyPrefixes.stableKey(stableKey));
  }

  /**
   * A pointer to exactly {@code key} in the store's bucket, after checking that the store may read
   * it back: not empty, at most S3's 1,024 UTF-8 bytes, and within the key prefix.
   *
   * @throws PayloadNotAllowedException when the key is not one this store may read
   */
  PayloadPointer namedPointer(String key) {
    if (key == null || key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > 1024) {
      throw new PayloadNotAllowedException(
          "a named key must be 1 to 1,024 UTF-8 bytes (S3's limit), was "
              + (key == null ? "null" : key.getBytes(StandardCharsets.UTF_8).length + " bytes"),
          null,
          null,
          null,
          null);
    }
    PayloadPointer pointer = PayloadPointer.s3(config.bucket(), key);
    if (!keyAllowed(key)) {
      throw new PayloadNotAllowedException(
          "a named key must be one this store reads back: within its keyPrefix '"
              + config.keyPrefix()
              + "' (one path level below a prefix ending in '/'), nothing was stored",
          null,
          null,
          pointer,
          null);
    }
    return pointer;
  }

  PutObjectRequest putRequest(PayloadPointer pointer, byte[] payload) {
    byte[] sha256 = Digests.sha256().digest(payload);
    PutObjectRequest.Builder put =
        PutObjectRequest.builder()
            .bucket(pointer.container())
            .key(pointer.key())
            .contentLength((long) payload.length)
            .metadata(Map.of(S3PayloadStore.CHECKSUM_METADATA, HexFormat.of().formatHex(sha256)))
            // S3 checks the upload against it, and the SDK, given a checksum, computes none of
            // its own (by default it adds a CRC32 pass over the payload).
            .checksumSHA256(Base64.getEncoder().encodeToString(sha256));
    if (config.serverSideEncryption() != null) {
      put.serverSideEncryption(config.serverSideEncryption());
    }
    if (config.kmsKeyId() != null) {
      put.ssekmsKeyId(config.kmsKeyId());
    }
    if (config.cannedAcl() != null) {
      put.acl(config.cannedAcl());
    }
    return put.build();
  }

  /** The bytes, if within {@code maxPayloadSize}. */
  byte[] withinLimit(PayloadPointer pointer, byte[] bytes) {
    if (bytes.length > config.maxPayloadSize()) {
      throw tooLarge(pointer, bytes.length, "cannot store a payload of ");
    }
    return bytes;
  }

  /** Fails, before the body is read, for an object over {@code maxPayloadSize}. */
  void checkSize(PayloadPointer pointer, Long contentLength, Runnable abort) {
    if (contentLength != null && contentLength > config.maxPayloadSize()) {
      abort.run();
      throw tooLarge(pointer, contentLength, "payload object has ");
    }
  }

  /**
   * Whether an object of {@code contentLength} bytes (null: not known) is over a read's {@code
   * cap}; with no cap ({@code Long.MAX_VALUE}) an unknown length is read.
   */
  static boolean overCap(Long contentLength, long cap) {
    if (cap == Long.MAX_VALUE) {
      return false;
    }
    return contentLength == null || contentLength > cap;
  }

  PayloadTooLargeException tooLarge(PayloadPointer pointer, long size, String what) {
    return new PayloadTooLargeException(
        what
            + size
            + " bytes, above the S3 store's maxPayloadSize of "
            + config.maxPayloadSize()
            + " bytes",
        null,
        null,
        pointer,
        null);
  }

  /** A download of an object of {@code contentLength} bytes (null: not known), within the limit. */
  Download download(PayloadPointer pointer, Long contentLength) {
    return new Download(
        contentLength,
        config.maxPayloadSize(),
        size -> tooLarge(pointer, size, "payload object has "));
  }

  /**
   * The payload's bytes, after checking them against the SHA-256 recorded at store time. An object
   * without the record (written by AWS's library) is accepted unless {@code requireChecksum} is
   * set.
   */
  byte[] verified(PayloadPointer pointer, GetObjectResponse response, Download.Downloaded body) {
    String recorded = response.metadata().get(S3PayloadStore.CHECKSUM_METADATA);
    if (recorded == null) {
      if (config.requireChecksum()) {
        throw new PayloadIntegrityException(
            "payload object has no "
                + S3PayloadStore.CHECKSUM_METADATA
                + " metadata and requireChecksum is set",
            null,
            null,
            pointer,
            null);
      }
    } else if (!body.sha256Is(recorded)) {
      throw new PayloadIntegrityException(
          "payload object does not match the SHA-256 recorded when it was stored",
          null,
          null,
          pointer,
          null);
    }
    return body.bytes();
  }

  void checkAllowed(PayloadPointer pointer) {
    Objects.requireNonNull(pointer, "pointer cannot be null");
    if (pointer.kind() != PayloadPointer.Kind.S3) {
      throw new PayloadNotAllowedException(
          "pointer names a " + pointer.kind() + " store; this S3 store reads S3 pointers only",
          null,
          null,
          pointer,
          null);
    }
    if (!config.allowedBuckets().contains(pointer.container())) {
      throw new PayloadNotAllowedException(
          "pointer names bucket '"
              + pointer.container()
              + "', which is not allowed (allowed: "
              + config.allowedBuckets()
              + ")",
          null,
          null,
          pointer,
          null);
    }
    if (!keyAllowed(pointer.key())) {
      throw new PayloadNotAllowedException(
          "pointer names a key outside the store's key prefix '"
              + config.keyPrefix()
              + "' (enforceKeyPrefix is on)",
          null,
          null,
          pointer,
          null);
    }
  }

  static ExtendedClientException storeFailed(PayloadPointer pointer, Throwable cause) {
    return new ExtendedClientException("cannot store payload in S3", null, null, pointer, cause);
  }

  static ExtendedClientException readFailed(PayloadPointer pointer, Throwable cause) {
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

  static ExtendedClientException deleteFailed(PayloadPointer pointer, Throwable cause) {
    return new ExtendedClientException("cannot delete payload from S3", null, null, pointer, cause);
  }

  boolean allows(PayloadPointer pointer) {
    return pointer.kind() == PayloadPointer.Kind.S3
        && config.allowedBuckets().contains(pointer.container())
        && keyAllowed(pointer.key());
  }

  private boolean keyAllowed(String key) {
    return KeyPrefixes.allows(config.keyPrefix(), config.enforceKeyPrefix(), key);
  }
}
