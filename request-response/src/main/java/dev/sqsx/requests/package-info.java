/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Request–response over SQS: {@link dev.sqsx.requests.SqsRequester}, {@link
 * dev.sqsx.requests.SqsResponder} and {@link dev.sqsx.requests.ReplyQueueSweeper}.
 */
package dev.sqsx.requests;
