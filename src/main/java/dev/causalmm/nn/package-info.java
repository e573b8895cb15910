/**
 * Models: modality encoders (MLP, CNN, bag of words, TorchScript), transformer blocks, `MultimodalModel` (encode, fuse, classify), the 3-D U-Net.
 */
package dev.causalmm.nn;
