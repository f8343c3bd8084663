/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * A compressed message (one carrying the {@value Compression#ATTRIBUTE} attribute) cannot be
 * decoded: its encoding is not one sqsx knows (or needs a library that is not on the class path),
 * its bytes are not a valid stream of that encoding (a corrupt stream fails its checksum), or it
 * decompresses to more than the client's {@code maxPayloadSize}. The compressed bytes are never
 * handed to a caller as if they were the body; retrying cannot help.
 */
public class PayloadEncodingException extends ExtendedClientException {

  private static final long serialVersionUID = 1L;

  /** An exception with its message; any of the context arguments and the cause may be null. */
  public PayloadEncodingException(
      String message, String queueUrl, String messageId, PayloadPointer pointer, Throwable cause) {
    super(message, queueUrl, messageId, pointer, cause);
  }

  /** A copy made by {@link #toBuilder()}. */
  protected PayloadEncodingException(
      SdkClientException.Builder builder,
      String queueUrl,
      String messageId,
      PayloadPointer pointer) {
    super(builder, queueUrl, messageId, pointer);
  }

  @Override
  protected PayloadEncodingException rebuild(SdkClientException.Builder builder) {
    return new PayloadEncodingException(
        builder, queueUrl().orElse(null), messageId().orElse(null), pointer().orElse(null));
  }

  /** Never: another attempt reads the same pointer and payload. */
  @Override
  public boolean retryable() {
    return false;
  }
}
