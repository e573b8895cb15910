/**
 * Evaluation: accuracy and loss, C3 score, distance correlation, representations, noise and missing-modality protocols.
 */
package dev.causalmm.eval;
