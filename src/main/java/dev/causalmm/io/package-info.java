/**
 * File formats and safe writes: .npy/.npz, MATLAB .mat, NIfTI, safetensors, CSV tables, gzip, atomic files, SHA-256.
 */
package dev.causalmm.io;
