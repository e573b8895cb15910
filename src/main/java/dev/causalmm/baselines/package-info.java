/**
 * Fusion baselines: late fusion, concatenation, TMC, QMF, ConcatBow, MMBT.
 */
package dev.causalmm.baselines;
