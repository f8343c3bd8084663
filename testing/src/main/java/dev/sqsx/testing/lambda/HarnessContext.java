/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Context} of one harness invocation: its remaining time counts down from the timeout,
 * and {@link #timedOut()} tells the mapping whether the function ran past it.
 */
final class HarnessContext implements Context {

  private static final Logger LOG = LoggerFactory.getLogger("dev.sqsx.testing.lambda.function");

  private final String requestId = UUID.randomUUID().toString();
  private final String functionName;
  private final long deadlineNanos;

  HarnessContext(String functionName, long timeoutMillis) {
    this.functionName = functionName;
    this.deadlineNanos = System.nanoTime() + timeoutMillis * 1_000_000;
  }

  /** Whether the function timeout has passed: an invocation still running now has timed out. */
  boolean timedOut() {
    return System.nanoTime() - deadlineNanos > 0;
  }

  @Override
  public String getAwsRequestId() {
    return requestId;
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/" + functionName;
  }

  @Override
  public String getLogStreamName() {
    return "harness";
  }

  @Override
  public String getFunctionName() {
    return functionName;
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:us-east-1:000000000000:function:" + functionName;
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return (int) Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
  }

  @Override
  public int getMemoryLimitInMB() {
    return 512;
  }

  @Override
  public LambdaLogger getLogger() {
    return new LambdaLogger() {
      @Override
      public void log(String message) {
        LOG.info(message);
      }

      @Override
      public void log(byte[] message) {
        LOG.info(new String(message, StandardCharsets.UTF_8));
      }
    };
  }
}
