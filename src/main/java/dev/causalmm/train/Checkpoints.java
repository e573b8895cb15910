package dev.causalmm.train;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a {@link Trainer} run keeps its checkpoints: {@link CheckpointStore}'s folder for
 * classification, a task's own folder layout otherwise (segmentation's {@code model.ckpt} beside
 * its {@code config.json}).
 */
public interface Checkpoints {
    /** The file a resumed run continues from. */
    Path last();

    /** Whether there is a run to resume. */
    boolean hasLast();

    /** Reads {@link #last}; failures name the file. */
    Checkpoint readLast();

    /** The best epoch's weights by name, or null when none were kept. */
    Map<String, float[]> readBestWeights();

    /** Replaces the last checkpoint with {@code ck} (atomically) and, when {@code best}, the best one. */
    void save(Checkpoint ck, boolean best);
}
