/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
/** The emulators behind {@link dev.sqsx.testing.EmbeddedAws}; not a public API. */
package dev.sqsx.testing.internal;
