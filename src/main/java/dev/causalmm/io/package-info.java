/**
 * File formats and safe writes: .npy/.npz, MATLAB .mat (v5 and v7.3), HDF5, NIfTI, safetensors, CSV tables, gzip, atomic files, SHA-256, user-input errors.
 */
package dev.causalmm.io;
