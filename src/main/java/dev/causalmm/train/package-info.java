/**
 * The trainer: the training loop, listeners, checkpoints (CMMCKPT1) and the gradient-sync seam.
 */
package dev.causalmm.train;
