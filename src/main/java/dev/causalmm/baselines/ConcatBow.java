package dev.causalmm.baselines;

import dev.causalmm.data.Task;
import dev.causalmm.nn.Init;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.nn.Encoders;
import java.util.List;

/**
 * ConcatBow (spec §5.3): the raw representations of the modalities — a text's summed word
 * embeddings, an image's pooled CNN regions, a feature vector as it is — concatenated and mapped to
 * logits by a single linear layer (loss: CE). The reference sums frozen GloVe vectors and pools a
 * pretrained ResNet-152; here both are learned from scratch ({@link Encoders#raw}).
 */
public final class ConcatBow extends ConcatFusion {
    /** @param seed seed of the initial weights (the same seed builds the same model in every process) */
    public ConcatBow(List<ModalitySpec> modalities, int numClasses, long seed) {
        this(modalities, new Task.Classification(numClasses), seed);
    }

    /** For the given task: classification (C logits) or regression (the target's values; MSE or L1). */
    public ConcatBow(List<ModalitySpec> modalities, Task task, long seed) {
        this(modalities, task, Init.seeded(seed));
    }

    private ConcatBow(List<ModalitySpec> modalities, Task task, Init init) {
        super(modalities.stream().map(m -> Encoders.raw(m, init)).toList(), task, init);
    }
}
