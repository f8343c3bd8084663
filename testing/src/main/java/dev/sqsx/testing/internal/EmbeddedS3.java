/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.internal;

import dev.sqsx.testing.AwsEndpoints;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * S3Proxy over an in-memory blob store, serving the S3 REST API on an ephemeral loopback port.
 *
 * <p>Known gap: it cannot serve one part of a multipart object, so use plain GETs (not the
 * multipart download client) against it.
 */
public final class EmbeddedS3 implements EmbeddedServer {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final S3Proxy proxy;
  private final URI endpoint;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedS3(S3Proxy proxy) {
    this.proxy = proxy;
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** Starts S3Proxy and waits until it accepts connections. */
  public static EmbeddedS3 start() {
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(new TransientNio2BlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(
                AuthenticationType.AWS_V2_OR_V4,
                AwsEndpoints.LOCAL_ACCESS_KEY,
                AwsEndpoints.LOCAL_SECRET_KEY)
            .ignoreUnknownHeaders(true)
            .stopTimeout(0)
            .build();
    try {
      proxy.start();
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "S3Proxy did not start within " + START_TIMEOUT + ", state " + proxy.getState());
        }
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting S3Proxy", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start S3Proxy", e);
    }
    return new EmbeddedS3(proxy);
  }

  @Override
  public URI endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        proxy.stop();
      } catch (Exception e) {
        throw new IllegalStateException("cannot stop S3Proxy at " + endpoint, e);
      }
    }
  }
}
