package dev.causalmm.data;

import java.io.IOException;

/**
 * A dataset that can leave some modalities unread: how a cached modality (pretrained features
 * stored on disk) avoids decoding the image it replaces.
 */
public interface SkippableDataset extends MultimodalDataset {
    /** Like {@link #read}, but modality {@code k} need not be written where {@code skip[k]}. */
    void read(int index, SampleWriter out, boolean[] skip) throws IOException;

    /** The dataset this one wraps (itself when it wraps none). */
    default MultimodalDataset base() {
        return this;
    }
}
