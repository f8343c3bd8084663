/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which messages of a batch failed, and why; every other message succeeded. Immutable.
 *
 * <pre>{@code
 * return BatchOutcome.builder().failed(message.messageId(), error).build();
 * }</pre>
 */
public final class BatchOutcome {

  private static final BatchOutcome ALL_SUCCEEDED = new BatchOutcome(Map.of());

  private final Map<String, Throwable> failures;

  private BatchOutcome(Map<String, Throwable> failures) {
    this.failures = Map.copyOf(failures);
  }

  /** Every message succeeded. */
  public static BatchOutcome allSucceeded() {
    return ALL_SUCCEEDED;
  }

  /** A builder for partial failures. */
  public static Builder builder() {
    return new Builder();
  }

  /** The failure of the message with this id, if it failed. */
  public Optional<Throwable> failureOf(String messageId) {
    return Optional.ofNullable(failures.get(messageId));
  }

  /** The failed messages' ids and errors. */
  public Map<String, Throwable> failures() {
    return failures;
  }

  /** Collects failures; not thread-safe. */
  public static final class Builder {
    private final Map<String, Throwable> failures = new LinkedHashMap<>();

    private Builder() {}

    /** Marks one message failed. */
    public Builder failed(String messageId, Throwable error) {
      failures.put(
          Objects.requireNonNull(messageId, "messageId cannot be null"),
          Objects.requireNonNull(error, "error cannot be null"));
      return this;
    }

    /** The outcome. */
    public BatchOutcome build() {
      return failures.isEmpty() ? ALL_SUCCEEDED : new BatchOutcome(failures);
    }
  }
}
