/**
 * Interop: DLPack zero-copy exchange and `TrainedModel`, a trained checkpoint for prediction and export.
 */
package dev.causalmm.interop;
