/**
 * Side-by-side measurements of sqsx against its peers. The benchmarks are built by the benchmarks
 * issue; this package is the module's root.
 */
package dev.sqsx.benchmarks;
