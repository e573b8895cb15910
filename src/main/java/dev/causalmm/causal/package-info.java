/**
 * Causal regularisers: C3R, IMML and CmIR, and the wrappers they put around a model.
 */
package dev.causalmm.causal;
