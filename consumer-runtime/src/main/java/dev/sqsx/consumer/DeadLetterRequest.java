/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.consumer;

import dev.sqsx.consumer.internal.DeadLetterMessage;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The {@code SendMessage} request sqsx sends to a dead-letter queue for a failed message, for
 * runners other than {@link SqsConsumer} (sqsx-lambda uses it) that should dead-letter the same
 * way: the original body and attributes — for a message the extended client resolved, its pointer
 * and marker again, so the payload is not copied — plus the reason, as {@code sqsx.ErrorClass},
 * {@code sqsx.ErrorMessage} (at most 1,024 characters), {@code sqsx.Attempts}, {@code
 * sqsx.SourceQueue}, {@code sqsx.FirstFailureTime} and {@code sqsx.SourceMessageId} attributes
 * (folded into one {@code sqsx.Failure} JSON attribute when the message's own attributes leave no
 * room). For a FIFO DLQ ({@code .fifo}), the group is kept and the source message id is the
 * deduplication id.
 */
public final class DeadLetterRequest {

  private DeadLetterRequest() {}

  /** The request sending {@code message}, which failed with {@code error}, to {@code dlqUrl}. */
  public static SendMessageRequest of(ReceivedMessage message, Throwable error, String dlqUrl) {
    Objects.requireNonNull(message, "message cannot be null");
    Objects.requireNonNull(error, "error cannot be null");
    Objects.requireNonNull(dlqUrl, "dlqUrl cannot be null");
    return DeadLetterMessage.forFailed(message, error, dlqUrl, dlqUrl.endsWith(".fifo"));
  }
}
