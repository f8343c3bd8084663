/**
 * Runs message handlers over an SQS queue. The runtime itself is built by the consumer-runtime
 * issue; this package is the module's root.
 */
package dev.sqsx.consumer;
