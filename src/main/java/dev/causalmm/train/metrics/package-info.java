/**
 * Training metrics: CSV and TensorBoard event writers behind a listener.
 */
package dev.causalmm.train.metrics;
