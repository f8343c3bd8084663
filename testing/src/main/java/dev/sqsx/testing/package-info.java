/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Real SQS, S3 and DynamoDB endpoints for tests: {@link dev.sqsx.testing.LocalAws} for JUnit 5,
 * {@link dev.sqsx.testing.EmbeddedAws} for programs, {@link dev.sqsx.testing.AwsResources} for
 * uniquely named queues, buckets and tables.
 */
package dev.sqsx.testing;
