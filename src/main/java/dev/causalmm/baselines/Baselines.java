package dev.causalmm.baselines;

import dev.causalmm.data.ModalitySpec;
import dev.causalmm.data.Task;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import java.util.List;

/** Builds models by their command-line names. */
public final class Baselines {
    /** Names the command line accepts; those not built yet fail with a clear message. */
    public static final List<String> NAMES = List.of("late-fusion", "concat", "concatbow", "tmc", "qmf", "mmbt", "mmbt-small", "unet3d");

    private Baselines() {}

    /** Fails, as {@link #create} would, when {@code name} names no model that can be built. */
    public static void requireAvailable(String name) {
        if (name == null || !NAMES.contains(name)) throw new IllegalArgumentException("unknown model '" + name + "'; expected one of " + NAMES.subList(0, NAMES.size() - 1));
        if (name.equals("unet3d")) unavailable(name);
    }

    private static MultimodalModel unavailable(String name) {
        throw new IllegalArgumentException("model '" + name + "' is a segmentation model and is not available yet in this"
                + " version of causalmm; classification models: late-fusion, concat, concatbow, tmc, qmf, mmbt, mmbt-small");
    }

    /** Over feature vectors of the given widths (see the general form). */
    public static MultimodalModel create(String name, int[] inputDims, int numClasses, EncoderConfig encoder, int trainSize, long seed) {
        return create(name, ModalitySpec.vectors(inputDims), numClasses, encoder, trainSize, seed);
    }

    /**
     * @param modalities what each input holds (features, image, tokens): picks the encoders
     * @param trainSize  number of training samples (QMF keeps a per-sample history; other models ignore it)
     * @param seed       seed of the initial weights: the same name, shapes and seed build the same
     *                   model in every process
     */
    public static MultimodalModel create(String name, List<ModalitySpec> modalities, int numClasses, EncoderConfig encoder, int trainSize,
                                         long seed) {
        return create(name, modalities, new Task.Classification(numClasses), encoder, trainSize, seed);
    }

    /**
     * A model for the dataset's {@link Task}: classification builds every model as before; regression
     * builds late fusion, concat and ConcatBow (heads of the target's size, MSE or L1 loss) and refuses
     * TMC and QMF (their uncertainty is over classes) and MMBT (its regression head is not wired).
     */
    public static MultimodalModel create(String name, List<ModalitySpec> modalities, Task task, EncoderConfig encoder, int trainSize,
                                         long seed) {
        if (task instanceof Task.Regression r) return regression(name, modalities, r, encoder, seed);
        int numClasses = ((Task.Classification) task).numClasses();
        return switch (name) {
            case "late-fusion" -> new LateFusion(modalities, numClasses, encoder, false, seed);
            case "concat" -> new ConcatFusion(modalities, numClasses, encoder, seed);
            case "concatbow" -> new ConcatBow(modalities, numClasses, seed);
            case "tmc" -> new TMC(modalities, numClasses, encoder, 0, seed); // KL ramp over a share of the steps
            case "qmf" -> {
                if (trainSize <= 0) throw new IllegalArgumentException("QMF needs the training-set size for its ranking history");
                yield new QMF(modalities, numClasses, encoder, 1.0, true, trainSize, seed);
            }
            case "mmbt" -> new MMBT(modalities, numClasses, MMBTConfig.defaults(), seed);
            case "mmbt-small" -> new MMBT(modalities, numClasses, MMBTConfig.small(), seed);
            case "unet3d" -> unavailable(name);
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; expected one of " + NAMES.subList(0, NAMES.size() - 1));
        };
    }

    private static MultimodalModel regression(String name, List<ModalitySpec> modalities, Task.Regression task, EncoderConfig encoder, long seed) {
        requireAvailable(name);
        return switch (name) {
            case "late-fusion" -> new LateFusion(modalities, task, encoder, false, seed);
            case "concat" -> new ConcatFusion(modalities, task, encoder, seed);
            case "concatbow" -> new ConcatBow(modalities, task, seed);
            case "tmc", "qmf" -> throw new dev.causalmm.io.UserInputException("model '" + name + "' (" + name.toUpperCase(java.util.Locale.ROOT)
                    + ") is for classification: its uncertainty is over classes; the data is a " + TaskLoss.describe(task)
                    + " task. Regression models: " + REGRESSION_NAMES);
            default -> throw new dev.causalmm.io.UserInputException("model '" + name + "' does not support regression yet; the data is a "
                    + TaskLoss.describe(task) + " task. Regression models: " + REGRESSION_NAMES);
        };
    }

    /** The models {@link #create} builds for a regression task. */
    public static final List<String> REGRESSION_NAMES = List.of("late-fusion", "concat", "concatbow");
}
