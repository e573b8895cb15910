/**
 * 3-D brain-tumour segmentation: cases, preprocessing and cache, a patch dataset for the shared trainer, sliding-window inference, Dice metrics.
 */
package dev.causalmm.seg;
