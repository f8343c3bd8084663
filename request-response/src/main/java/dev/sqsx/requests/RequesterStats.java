/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

/**
 * Counts since the requester started; a snapshot, consistent per field.
 *
 * @param requests requests sent (SQS accepted the send)
 * @param sendFailures requests whose send failed (their futures failed with a {@link
 *     RequestException})
 * @param replies replies delivered to their waiting request
 * @param timeouts requests that got no reply within their timeout
 * @param lateReplies replies that came after their request timed out, was cancelled or failed:
 *     deleted, never delivered
 * @param duplicateReplies further replies to a request already answered (a redelivered request
 *     answered again): deleted, never delivered
 * @param unroutableReplies messages on the reply queue with no correlation id, or one this
 *     requester does not know (sent before a restart, or forgotten): deleted, never delivered
 * @param receives receive requests on the reply queue that completed
 * @param pending requests waiting for a reply now
 * @param failedReplyDeletes replies read from the reply queue whose delete failed (the whole {@code
 *     DeleteMessageBatch}, or its entry): each comes back after the queue's visibility timeout and
 *     is dropped by correlation id
 */
public record RequesterStats(
    long requests,
    long sendFailures,
    long replies,
    long timeouts,
    long lateReplies,
    long duplicateReplies,
    long unroutableReplies,
    long receives,
    long pending,
    long failedReplyDeletes) {}
