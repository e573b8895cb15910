package dev.causalmm.data;

import java.io.IOException;
import java.util.List;

/**
 * A finite, indexable set of labelled multimodal samples. {@link #read} may be called from several
 * loader threads at once and must not touch LibTorch (JNI would pin the virtual thread).
 */
public interface MultimodalDataset {
    String name();

    int size();

    List<ModalitySpec> modalities();

    int numClasses();

    /** Decodes sample {@code index} into {@code out}. */
    void read(int index, SampleWriter out) throws IOException;
}
