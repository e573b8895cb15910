/**
 * The tensor engine: `Tensor`, `Functional`, `TensorMemory`, scopes, optimizers, devices and precision; the only code that touches LibTorch (`org.bytedeco.pytorch`).
 */
package dev.causalmm.engine;
