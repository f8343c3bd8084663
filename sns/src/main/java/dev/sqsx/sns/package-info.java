/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * {@link dev.sqsx.sns.SnsExtendedClient} and {@link dev.sqsx.sns.SnsExtendedAsyncClient}: publish
 * large messages through SNS as payload pointers that every subscriber of AWS's format resolves.
 */
package dev.sqsx.sns;
