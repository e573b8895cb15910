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

    /** Number of classes; 0 for a regression task (see {@link #task()}). */
    int numClasses();

    /**
     * What the targets are: {@link Task.Classification} of {@link #numClasses()} unless the dataset
     * says otherwise. A regression dataset overrides this and writes {@link SampleWriter#target}
     * instead of {@link SampleWriter#label}.
     */
    default Task task() {
        return new Task.Classification(numClasses());
    }

    /** Decodes sample {@code index} into {@code out}. */
    void read(int index, SampleWriter out) throws IOException;
}
