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
        return create(name, inputDims, numClasses, encoder, 0);
    }

    /** @param trainSize number of training samples (QMF keeps a per-sample history) */
    public static MultimodalModel create(String name, int[] inputDims, int numClasses, EncoderConfig encoder, int trainSize) {
        return switch (name) {
            case "late-fusion" -> new LateFusion(inputDims, numClasses, encoder, false);
            case "concat" -> new ConcatFusion(inputDims, numClasses, encoder);
            case "tmc" -> new TMC(inputDims, numClasses, encoder, 10);
            case "qmf" -> {
                if (trainSize <= 0) throw new IllegalArgumentException("QMF needs the training-set size for its ranking history");
                yield new QMF(inputDims, numClasses, encoder, 1.0, true, trainSize);
            }
            case "mmbt", "unet3d" -> throw new IllegalArgumentException("model '" + name
                    + "' is not available yet in this version of causalmm; available: late-fusion, concat, tmc, qmf");
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; expected one of " + NAMES);
        };
    }
}
