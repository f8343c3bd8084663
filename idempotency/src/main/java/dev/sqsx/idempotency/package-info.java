/**
 * Applies each side effect of an at-least-once delivery once. The stores are built by the
 * idempotency issue; this package is the module's root.
 */
package dev.sqsx.idempotency;
