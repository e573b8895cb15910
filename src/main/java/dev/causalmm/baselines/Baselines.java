package dev.causalmm.baselines;

import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import java.util.List;

/** Builds models by their command-line names. */
public final class Baselines {
    /** Names the command line accepts; those not built yet fail with a clear message. */
    public static final List<String> NAMES = List.of("late-fusion", "concat", "tmc", "qmf", "mmbt", "unet3d");

    private Baselines() {}

    public static MultimodalModel create(String name, int[] inputDims, int numClasses, EncoderConfig encoder) {
        return switch (name) {
            case "late-fusion" -> new LateFusion(inputDims, numClasses, encoder, false);
            case "concat" -> new ConcatFusion(inputDims, numClasses, encoder);
            case "tmc", "qmf", "mmbt", "unet3d" -> throw new IllegalArgumentException("model '" + name
                    + "' is not available yet in this version of causalmm; available: late-fusion, concat");
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; expected one of " + NAMES);
        };
    }
}
