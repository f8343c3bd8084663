/** The emulators behind {@link dev.sqsx.testing.EmbeddedAws}; not a public API. */
package dev.sqsx.testing.internal;
