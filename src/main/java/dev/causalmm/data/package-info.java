/**
 * Datasets and the loader: samples decoded on virtual threads into off-heap batch buffers; synthetic (MMLSyn), image+text manifests, feature files.
 */
package dev.causalmm.data;
