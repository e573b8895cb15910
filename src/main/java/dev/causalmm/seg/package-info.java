/**
 * 3-D brain-tumour segmentation: cases, preprocessing and cache, patch sampling, the segmentation trainer, sliding-window inference, Dice metrics.
 */
package dev.causalmm.seg;
