/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.reliability;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Records each payload read that found no object ({@code GetObject} answered 404): a message whose
 * pointer outlived its payload, which then fails every receive until the redrive policy moves it.
 * Installed on the function's S3 client.
 */
final class MissingPayloadReads implements ExecutionInterceptor {

  private final List<String> keys = new CopyOnWriteArrayList<>();

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof GetObjectRequest get
        && context.exception() instanceof S3Exception error
        && error.statusCode() == 404) {
      keys.add("s3:" + get.key());
    }
  }

  /** The payload keys ({@code s3:<key>}) read after their object was gone, once per read. */
  List<String> keys() {
    return List.copyOf(keys);
  }
}
