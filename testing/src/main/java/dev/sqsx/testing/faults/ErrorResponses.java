/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.faults;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import software.amazon.awssdk.http.SdkHttpFullResponse;
import software.amazon.awssdk.http.SdkHttpResponse;

/** The error response each service sends for a fault, in that service's protocol. */
final class ErrorResponses {

  private ErrorResponses() {}

  /** A response and its body. */
  static final class Synthetic {
    private final SdkHttpResponse response;
    private final byte[] body;

    Synthetic(SdkHttpResponse response, byte[] body) {
      this.response = response;
      this.body = body;
    }

    SdkHttpResponse response() {
      return response;
    }

    byte[] body() {
      return body.clone();
    }
  }

  static Synthetic of(Fault fault, Target target) {
    int status;
    String code;
    switch (fault) {
      case SERVER_ERROR -> {
        status = 500;
        code = target.service().equals("dynamodb") ? "InternalServerError" : "InternalError";
      }
      case SERVICE_UNAVAILABLE -> {
        status = 503;
        code = "ServiceUnavailable";
      }
      case THROTTLING -> {
        switch (target.service()) {
          case "s3" -> {
            status = 503;
            code = "SlowDown";
          }
          case "dynamodb" -> {
            status = 400;
            code = "ThrottlingException";
          }
          default -> {
            status = 400;
            code = "RequestThrottled";
          }
        }
      }
      default -> throw new IllegalArgumentException(fault + " has no error response");
    }
    String message = "injected by sqsx FaultInjector: " + fault;
    String requestId = UUID.randomUUID().toString();
    SdkHttpFullResponse.Builder response =
        SdkHttpFullResponse.builder().statusCode(status).putHeader("x-amzn-RequestId", requestId);
    String body;
    if (target.service().equals("s3")) {
      response
          .putHeader("Content-Type", "application/xml")
          .putHeader("x-amz-request-id", requestId);
      body =
          target.operation().equals("HEAD")
              ? ""
              : "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                  + code
                  + "</Code><Message>"
                  + message
                  + "</Message><RequestId>"
                  + requestId
                  + "</RequestId></Error>";
    } else {
      String namespace =
          target.service().equals("dynamodb")
              ? "com.amazonaws.dynamodb.v20120810"
              : "com.amazonaws.sqs";
      response.putHeader("Content-Type", "application/x-amz-json-1.0");
      body = "{\"__type\":\"" + namespace + "#" + code + "\",\"message\":\"" + message + "\"}";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.putHeader("Content-Length", Integer.toString(bytes.length));
    return new Synthetic(response.build(), bytes);
  }
}
