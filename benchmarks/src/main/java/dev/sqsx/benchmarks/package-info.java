/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Side-by-side measurements of sqsx against the libraries a user would pick instead: consumer
 * throughput and SQS requests per message against a hand-written SDK loop and Spring Cloud AWS's
 * {@code SqsMessageListenerContainer}; large payloads against {@code
 * amazon-sqs-java-extended-client-lib}; the cost of the idempotency wrapper. Run {@link
 * dev.sqsx.benchmarks.Benchmarks}; results go to {@code benchmarks/results/}.
 */
package dev.sqsx.benchmarks;
