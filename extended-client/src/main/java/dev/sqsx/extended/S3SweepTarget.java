/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import dev.sqsx.extended.internal.KeyPrefixes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The objects under an {@link S3PayloadStore}'s key prefix, in key order, aged by {@code
 * LastModified}; resume tokens are keys ({@code StartAfter}). Only the keys the store itself reads
 * and deletes are listed: with a prefix ending in {@code /}, one path level below it; with any
 * other, a UUID or stable key after it (never {@code tenant-ab/x} for the prefix {@code tenant-a}).
 */
final class S3SweepTarget implements SweepTarget {

  private final S3Client s3;
  private final String bucket;
  private final String keyPrefix;

  S3SweepTarget(S3Client s3, String bucket, String keyPrefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.keyPrefix = keyPrefix;
  }

  @Override
  public String describe() {
    return "s3://" + bucket + "/" + keyPrefix;
  }

  @Override
  public String keyPrefix() {
    return keyPrefix;
  }

  @Override
  public void checkResumeToken(String token) {
    if (!KeyPrefixes.allows(keyPrefix, true, token)) {
      throw new IllegalArgumentException(
          "startAfter '" + token + "' is outside the key prefix '" + keyPrefix + "'");
    }
  }

  @Override
  public Iterator<List<Candidate>> list(String startAfter, int pageSize) {
    return new Iterator<>() {
      private String continuation;
      private boolean done;

      @Override
      public boolean hasNext() {
        return !done;
      }

      @Override
      public List<Candidate> next() {
        if (done) {
          throw new NoSuchElementException();
        }
        String token = continuation;
        ListObjectsV2Response page =
            s3.listObjectsV2(
                r -> {
                  r.bucket(bucket).prefix(keyPrefix).maxKeys(pageSize);
                  if (token != null) {
                    r.continuationToken(token);
                  } else if (startAfter != null) {
                    r.startAfter(startAfter);
                  }
                });
        continuation = page.nextContinuationToken();
        done = !Boolean.TRUE.equals(page.isTruncated()) || continuation == null;
        List<Candidate> candidates = new ArrayList<>();
        for (S3Object object : page.contents()) {
          String key = object.key();
          if (!KeyPrefixes.allows(keyPrefix, true, key) || object.lastModified() == null) {
            // never outside the prefix, whatever the endpoint lists, nor a key that merely starts
            // with it (prefix "tenant-a", key "tenant-ab/x") or lies a folder deeper: only the
            // keys the store itself reads and deletes
            continue;
          }
          candidates.add(
              new Candidate(
                  key,
                  object.lastModified(),
                  object.size() == null ? 0 : object.size(),
                  () -> {
                    s3.deleteObject(r -> r.bucket(bucket).key(key));
                    return true;
                  }));
        }
        return candidates;
      }
    };
  }
}
