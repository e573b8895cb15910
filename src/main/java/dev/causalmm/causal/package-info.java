/**
 * Causal regularisers (C3R, IMML, CmIR), the modality-imbalance baselines (OGM-GE, PMR, UMT) and the wrappers they put around a model.
 */
package dev.causalmm.causal;
