/**
 * Large-payload offloading for SQS. Built by the extended-client issue; this package is the module
 * root.
 */
package dev.sqsx.extended;
