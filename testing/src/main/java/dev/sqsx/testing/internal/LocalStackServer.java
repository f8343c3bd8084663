/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.internal;

import cloud.localstack.Localstack;
import cloud.localstack.docker.annotation.LocalstackDockerConfiguration;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsMode;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A LocalStack container started through {@code localstack-utils} (an optional dependency: this
 * class is loaded only in LocalStack mode).
 */
public final class LocalStackServer implements AutoCloseable {

  private final AtomicBoolean closed = new AtomicBoolean();
  private final AwsEndpoints endpoints;

  private LocalStackServer(AwsEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  /** Starts the container with LocalStack's defaults and waits until it is ready. */
  public static LocalStackServer start() {
    Localstack.INSTANCE.startup(LocalstackDockerConfiguration.DEFAULT);
    return new LocalStackServer(
        AwsEndpoints.local(
            AwsMode.LOCALSTACK,
            URI.create(Localstack.INSTANCE.getEndpointSQS()),
            URI.create(Localstack.INSTANCE.getEndpointS3()),
            URI.create(Localstack.INSTANCE.getEndpointDynamoDB())));
  }

  /** The container's endpoints. */
  public AwsEndpoints endpoints() {
    return endpoints;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      Localstack.INSTANCE.stop();
    }
  }
}
