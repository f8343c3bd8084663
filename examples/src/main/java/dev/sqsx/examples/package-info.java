/**
 * The runnable sqsx demo and sample programs. The demo is built by the demo issue; this package is
 * the module's root.
 */
package dev.sqsx.examples;
